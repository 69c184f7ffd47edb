import {mkdir, readdir, readFile, stat, unlink} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {join} from 'node:path'

import {writeFileAtomic} from '../core/atomic-write.js'
import {withFileLock} from '../core/lock.js'
import type {ChatMessage, Conversation, Usage} from './types.js'
import {CliError, UsageError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
import {dataDir} from '../core/paths.js'

/**
 * Saved chat conversations: one JSON file per conversation, `<id>.json`, under
 * `$XDG_DATA_HOME/groq/conversations/` (mode 0600 in a 0700 directory: chats can be private).
 *
 * Ids are 8 base-36 digits of the creation time in milliseconds, a dash and 4 random base-36
 * digits (`mbx3k2a1-9fq2`): short, unique, and sorting them sorts by creation time.
 *
 * A file that cannot be parsed is never overwritten: `save` refuses, `load` fails naming it,
 * `list` skips it and returns a warning. Removing it (`remove`) is always possible.
 */

export const CONVERSATION_VERSION = 1

const ID_PATTERN = /^[0-9a-z]{8}-[0-9a-z]{4}$/
const FILE_PATTERN = /^([0-9a-z]{8}-[0-9a-z]{4})\.json$/
const NAME_PATTERN = /^[A-Za-z0-9][\w.-]{0,63}$/

export interface ConversationInit {
  /** The history to start from (a system prompt, say); copied. */
  messages?: ChatMessage[]
  model: string
  name?: string
  /** Chat parameters other than model and messages, as sent (temperature, …). */
  params?: Record<string, unknown>
}

export interface Turn {
  /** The messages this turn added, in order: usually the user's message and the assistant's answer. */
  messages: ChatMessage[]
  /** The model now in use, if it changed (a REPL `/model`). */
  model?: string
  /** The parameters now in use, if they changed. */
  params?: Record<string, unknown>
  /** The turn's usage; added to the conversation's total. */
  usage?: Partial<Usage>
}

export interface Listing {
  /** Readable conversations, most recently updated first. */
  conversations: Conversation[]
  /** One line per file that was skipped because it could not be read or parsed, naming the file. */
  warnings: string[]
}

export interface StoreOptions {
  /** The clock, for tests. */
  now?: () => Date
}

/** The short form `list --json` prints: everything but the messages and parameters. */
export interface ConversationSummary {
  created_at: string
  id: string
  messages: number
  model: string
  name: null | string
  updated_at: string
  usage: Usage
}

export const isConversationId = (value: string): boolean => ID_PATTERN.test(value)

/** A name: 1–64 letters, digits, `.`, `_`, `-`, starting with a letter or digit, and not shaped like an id. */
export function validateName(name: string): string {
  if (!NAME_PATTERN.test(name) || ID_PATTERN.test(name)) {
    throw new UsageError(
      `Invalid conversation name "${name}": use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit (and not shaped like an id)`,
    )
  }
  return name
}

export function emptyUsage(): Usage {
  return {completion_tokens: 0, prompt_tokens: 0, total_tokens: 0}
}

/** Adds every number in `added` to `total`, recursing into objects (prompt_tokens_details, …). */
export function addUsage(total: Record<string, unknown>, added: Record<string, unknown>): Record<string, unknown> {
  const sum: Record<string, unknown> = {...total}
  for (const [key, value] of Object.entries(added)) {
    if (typeof value === 'number' && Number.isFinite(value)) {
      sum[key] = (typeof sum[key] === 'number' ? (sum[key] as number) : 0) + value
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner =
        sum[key] && typeof sum[key] === 'object' && !Array.isArray(sum[key])
          ? (sum[key] as Record<string, unknown>)
          : {}
      sum[key] = addUsage(inner, value as Record<string, unknown>)
    }
  }
  return sum
}

/**
 * The conversation after one more turn: its messages appended, usage summed, updated_at bumped.
 * Returns a new object; save it with `store.save()`.
 */
export function appendTurn(conversation: Conversation, turn: Turn, now: Date = new Date()): Conversation {
  return {
    ...conversation,
    messages: [...conversation.messages, ...turn.messages],
    model: turn.model ?? conversation.model,
    params: turn.params ? {...turn.params} : conversation.params,
    updated_at: now.toISOString(),
    usage: turn.usage ? (addUsage(conversation.usage, turn.usage) as Usage) : conversation.usage,
  }
}

export function summarize(conversation: Conversation): ConversationSummary {
  return {
    created_at: conversation.created_at,
    id: conversation.id,
    messages: conversation.messages.length,
    model: conversation.model,
    name: conversation.name ?? null,
    updated_at: conversation.updated_at,
    usage: conversation.usage,
  }
}

/** Checks the parsed JSON of `<id>.json`; returns why it is not a conversation, or undefined. */
function problemWith(value: unknown, id: string): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object'
  const record = value as Record<string, unknown>
  if (typeof record.version === 'number' && record.version > CONVERSATION_VERSION) {
    return `written by a newer version of groq (format version ${record.version})`
  }
  if (record.version !== CONVERSATION_VERSION) return `unknown format version ${JSON.stringify(record.version)}`
  if (record.id !== id) return `its id ${JSON.stringify(record.id)} does not match the file name`
  if (typeof record.model !== 'string') return 'no "model" string'
  if (!Array.isArray(record.messages)) return 'no "messages" array'
  const badMessage = record.messages.findIndex(
    (message) => !message || typeof message !== 'object' || typeof (message as {role?: unknown}).role !== 'string',
  )
  if (badMessage !== -1) return `messages[${badMessage}] has no "role"`
  for (const key of ['created_at', 'updated_at']) {
    if (typeof record[key] !== 'string' || Number.isNaN(Date.parse(record[key] as string)))
      return `no valid "${key}" timestamp`
  }
  if (record.name !== undefined && typeof record.name !== 'string') return '"name" is not a string'
  for (const key of ['params', 'usage']) {
    if (!record[key] || typeof record[key] !== 'object' || Array.isArray(record[key])) return `no "${key}" object`
  }
  return undefined
}

/** The stored JSON text, keys in a fixed order (metadata first, messages last) so the file reads well in a pager. */
export function serialize(conversation: Conversation): string {
  const {created_at, id, messages, model, name, params, updated_at, usage, version, ...rest} = conversation
  const ordered = {
    version,
    id,
    ...(name === undefined ? {} : {name}),
    model,
    created_at,
    updated_at,
    params,
    usage,
    ...rest,
    messages,
  }
  return JSON.stringify(ordered, null, 2) + '\n'
}

type ReadOutcome = {conversation: Conversation; ok: true} | {ok: false; reason: string}

const byUpdatedDesc = (a: Conversation, b: Conversation) =>
  Date.parse(b.updated_at) - Date.parse(a.updated_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

export class ConversationStore {
  private readonly now: () => Date

  constructor(
    /** The directory holding the `<id>.json` files. */
    readonly dir: string,
    options: StoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date())
  }

  /** The store under `$XDG_DATA_HOME/groq/conversations` (default `~/.local/share/groq/conversations`). */
  static fromEnv(env: NodeJS.ProcessEnv, options: StoreOptions = {}): ConversationStore {
    return new ConversationStore(join(dataDir(env), 'conversations'), options)
  }

  pathFor(id: string): string {
    if (!ID_PATTERN.test(id)) throw new UsageError(`Invalid conversation id "${id}"`)
    return join(this.dir, `${id}.json`)
  }

  /**
   * A new conversation, in memory only: nothing is written until `save()`, so a chat that fails
   * before its first answer leaves no empty file behind. A name is checked to be valid and unused.
   */
  async create(init: ConversationInit): Promise<Conversation> {
    if (!init.model) throw new UsageError('A conversation needs a model')
    const now = this.now()
    const ids = new Set(await this.ids())
    let id: string
    do id = newConversationId(now)
    while (ids.has(id))
    if (init.name !== undefined) await this.assertNameFree(validateName(init.name), id)
    const stamp = now.toISOString()
    return {
      created_at: stamp,
      id,
      messages: [...(init.messages ?? [])],
      model: init.model,
      ...(init.name === undefined ? {} : {name: init.name}),
      params: {...init.params},
      updated_at: stamp,
      usage: emptyUsage(),
      version: CONVERSATION_VERSION,
    }
  }

  /**
   * Writes the conversation atomically (temp file, fsync, rename) with mode 0600, under its lock file
   * (`<id>.json.lock`), cleaning temp files a killed writer left (core/atomic-write.ts). Refuses to
   * replace a file that exists but cannot be parsed (exit 1, naming it), and a name another
   * conversation already has (exit 2).
   */
  async save(conversation: Conversation): Promise<void> {
    await withFileLock(this.pathFor(conversation.id), () => this.write(conversation))
  }

  /**
   * One more turn, appended to the conversation as it is on disk now (or to `conversation` when it is not saved
   * yet), under the file's lock (core/lock.ts): parallel `groq chat -c` runs on one conversation each add their turn,
   * none is lost. Returns what was saved.
   */
  async addTurn(conversation: Conversation, turn: Turn): Promise<Conversation> {
    return withFileLock(this.pathFor(conversation.id), async () => {
      const current = await this.read(conversation.id)
      const updated = appendTurn(current?.ok ? current.conversation : conversation, turn, this.now())
      await this.write(updated)
      return updated
    })
  }

  /** save() without the lock (its callers hold it). */
  private async write(conversation: Conversation): Promise<void> {
    const path = this.pathFor(conversation.id)
    const problem = problemWith(conversation, conversation.id)
    if (problem) throw new CliError(`Cannot save conversation ${conversation.id}: ${problem}`)
    const existing = await this.read(conversation.id)
    if (existing && !existing.ok) {
      throw new CliError(
        `Not overwriting conversation file ${path}: ${existing.reason}. Fix or remove it (groq conversations rm ${conversation.id})`,
      )
    }
    if (conversation.name !== undefined && conversation.name !== existing?.conversation.name) {
      await this.assertNameFree(validateName(conversation.name), conversation.id)
    }
    await mkdir(this.dir, {mode: 0o700, recursive: true})
    await writeFileAtomic(path, serialize(conversation), 0o600)
  }

  /**
   * The conversation an argument names: an exact id, else an exact name, else a unique id prefix.
   * Missing: exit 4. Ambiguous prefix: exit 2, listing the matches. Unreadable file: exit 1, naming it.
   */
  async load(idOrName: string): Promise<Conversation> {
    const id = await this.resolve(idOrName)
    const outcome = await this.read(id)
    if (!outcome) throw notFound(idOrName)
    if (!outcome.ok) throw corrupt(this.pathFor(id), outcome.reason, id)
    return outcome.conversation
  }

  /**
   * The id an argument names, without parsing the file it names (so an unreadable conversation can
   * still be removed). Same rules and errors as `load`.
   */
  async resolve(idOrName: string): Promise<string> {
    if (!idOrName) throw new UsageError('Empty conversation id or name')
    const ids = await this.ids()
    if (ids.includes(idOrName)) return idOrName
    const {conversations, warnings} = await this.list()
    const named = conversations.find((conversation) => conversation.name === idOrName)
    if (named) return named.id
    const matches = ids.filter((id) => id.startsWith(idOrName)).sort()
    if (matches.length === 1) return matches[0]
    if (matches.length > 1) {
      const names = new Map(conversations.map((conversation) => [conversation.id, conversation.name]))
      const shown = matches.slice(0, 10).map((id) => (names.get(id) ? `${id} (${names.get(id)})` : id))
      const more = matches.length > shown.length ? `, and ${matches.length - shown.length} more` : ''
      throw new UsageError(
        `"${idOrName}" matches ${matches.length} conversations: ${shown.join(', ')}${more}. Give more of the id`,
      )
    }
    throw notFound(idOrName, warnings.length)
  }

  /** The most recently updated readable conversation, if any, and warnings for the files skipped. */
  async latest(): Promise<{conversation?: Conversation; warnings: string[]}> {
    const {conversations, warnings} = await this.list()
    return {conversation: conversations[0], warnings}
  }

  /** Every readable conversation, most recently updated first. Never throws for one bad file. */
  async list(): Promise<Listing> {
    const conversations: Conversation[] = []
    const warnings: string[] = []
    for (const id of await this.ids()) {
      const outcome = await this.read(id) // never throws: a bad file is an outcome, not an error
      if (!outcome) continue // removed meanwhile
      if (outcome.ok) conversations.push(outcome.conversation)
      else warnings.push(`Skipped ${this.pathFor(id)}: ${outcome.reason}`)
    }
    return {conversations: conversations.sort(byUpdatedDesc), warnings}
  }

  /** Deletes `<id>.json` (readable or not). Exit 4 when there is no such conversation. */
  async remove(id: string): Promise<void> {
    try {
      await unlink(this.pathFor(id))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(id)
      throw error
    }
  }

  /** Gives a conversation a new name (unique among conversations), or none with `undefined`. updated_at is kept. */
  async rename(idOrName: string, name: string | undefined): Promise<Conversation> {
    const conversation = await this.load(idOrName)
    const {name: _old, ...rest} = conversation
    const renamed: Conversation = name === undefined ? rest : {...rest, name: validateName(name)}
    await this.save(renamed)
    return renamed
  }

  /**
   * Ids of the conversation files changed after `since` (ms since the epoch, by the file's mtime), newest first,
   * whether they can be read or not.
   */
  async changedSince(since: number): Promise<string[]> {
    const changed: Array<{id: string; mtime: number}> = []
    for (const id of await this.ids().catch(() => [])) {
      const mtime = await stat(join(this.dir, `${id}.json`)).then(
        (stats) => stats.mtimeMs,
        () => Number.NEGATIVE_INFINITY,
      )
      if (mtime > since) changed.push({id, mtime})
    }
    return changed.sort((a, b) => b.mtime - a.mtime).map(({id}) => id)
  }

  /** Ids of the `<id>.json` files, sorted (that is, by creation time). */
  private async ids(): Promise<string[]> {
    let entries: string[]
    try {
      entries = await readdir(this.dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new CliError(`Cannot read the conversations directory ${this.dir}: ${(error as Error).message}`)
    }
    return entries
      .map((entry) => FILE_PATTERN.exec(entry)?.[1])
      .filter((id): id is string => id !== undefined)
      .sort()
  }

  /** undefined: no such file; ok false: it exists but is not a conversation we can use. */
  private async read(id: string): Promise<ReadOutcome | undefined> {
    const path = this.pathFor(id)
    let raw: string
    try {
      raw = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      return {
        ok: false,
        reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      }
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch (error) {
      return {ok: false, reason: `not valid JSON (${(error as Error).message})`}
    }
    const problem = problemWith(parsed, id)
    return problem ? {ok: false, reason: problem} : {conversation: parsed as Conversation, ok: true}
  }

  private async assertNameFree(name: string, ownId: string): Promise<void> {
    const {conversations} = await this.list()
    const holder = conversations.find((conversation) => conversation.name === name && conversation.id !== ownId)
    if (holder) throw new UsageError(`The name "${name}" is already used by conversation ${holder.id}`)
  }
}

// node:crypto is loaded when an id is first made, not with this module (~5 ms that `groq chat` without saving skips).
const require = createRequire(import.meta.url)

/** A new conversation id for `now`: 8 base-36 digits of the time in ms, a dash, 4 random base-36 digits. */
export function newConversationId(now: Date = new Date()): string {
  const time = now.getTime().toString(36).padStart(8, '0').slice(-8)
  const {randomInt} = require('node:crypto') as typeof import('node:crypto')
  const random = randomInt(36 ** 4)
    .toString(36)
    .padStart(4, '0')
  return `${time}-${random}`
}

function notFound(idOrName: string, unreadable = 0): CliError {
  const skipped =
    unreadable > 0 ? `; ${unreadable} unreadable conversation file${unreadable === 1 ? ' was' : 's were'} skipped` : ''
  return new CliError(`No conversation "${idOrName}" (see: groq conversations list)${skipped}`, ExitCode.notFound)
}

/**
 * Exit 1, not 2: the command line was right and retrying it differently will not help; the data
 * on disk is broken. (A hand-edited config file is a usage error; these files are ours.)
 */
function corrupt(path: string, reason: string, id: string): CliError {
  return new CliError(
    `Conversation file ${path} is unreadable: ${reason}. Fix or remove it (groq conversations rm ${id})`,
  )
}
