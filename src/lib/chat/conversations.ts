import {mkdir, readFile, stat, unlink} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {join} from 'node:path'

import {writeFileAtomic} from '../core/atomic-write.js'
import {withFileLock} from '../core/lock.js'
import type {ChatMessage, Conversation, Usage} from './types.js'
import {CliError, UsageError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
import {dataDir} from '../core/paths.js'
import {
  type ConversationSummary,
  CONVERSATION_VERSION,
  ID_PATTERN,
  parseConversation,
  problemWith,
  type ReadOutcome,
  serialize,
  unreadableReason,
} from './conversation-file.js'
import {
  folderState,
  latestInStore,
  logChange,
  scanStore,
  type StoreLatest,
  type StoreScan,
} from './conversation-index.js'

export {CONVERSATION_VERSION, type ConversationSummary, serialize, summarize} from './conversation-file.js'

/**
 * Saved chat conversations: one JSON file per conversation, `<id>.json`, under
 * `$XDG_DATA_HOME/groq/conversations/` (mode 0600 in a 0700 directory: chats can be private).
 *
 * Ids are 8 base-36 digits of the creation time in milliseconds, a dash and 4 random base-36
 * digits (`mbx3k2a1-9fq2`): short, unique, and sorting them sorts by creation time.
 *
 * A file that cannot be parsed is never overwritten: `save` refuses, `load` fails naming it,
 * `list` skips it and returns a warning. Removing it (`remove`) is always possible.
 *
 * The file format is conversation-file.ts; listing, the latest conversation and names go through the index beside
 * the folder (conversation-index.ts), which is brought up to date from the files whenever it is read.
 */

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
  /** Summaries of the readable conversations, most recently updated first. */
  conversations: ConversationSummary[]
  /** One line per file that was skipped because it could not be read or parsed, naming the file. */
  warnings: string[]
}

export interface StoreOptions {
  /** The clock, for tests. */
  now?: () => Date
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
    let id: string
    do id = newConversationId(now)
    while (await this.exists(id))
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
    await this.underLock(conversation.id, async () => {
      await this.write(conversation)
      return conversation
    })
  }

  /**
   * One more turn, appended to the conversation as it is on disk now (or to `conversation` when it is not saved
   * yet), under the file's lock (core/lock.ts): parallel `groq chat -c` runs on one conversation each add their turn,
   * none is lost. Returns what was saved.
   */
  async addTurn(conversation: Conversation, turn: Turn): Promise<Conversation> {
    return this.underLock(conversation.id, async () => {
      const current = await this.read(conversation.id)
      const updated = appendTurn(current?.ok ? current.conversation : conversation, turn, this.now())
      await this.write(updated)
      return updated
    })
  }

  /**
   * Runs `work` (which writes `<id>.json` and returns what it wrote) under the file's lock, then tells the index.
   * Everything this does to the folder (the lock file, a temp file, the rename, the lock's removal) falls between
   * the folder's state before and after, which the index's line records (conversation-index.ts); a write that
   * fails records nothing, and the next reader of the index verifies it.
   */
  private async underLock(id: string, work: () => Promise<Conversation>): Promise<Conversation> {
    const before = folderState(this.dir)
    const saved = await withFileLock(this.pathFor(id), work)
    logChange(this.dir, before, id, saved)
    return saved
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
    // An id is never a name (names cannot look like one) nor a prefix of another id: no need to list the store.
    if (ID_PATTERN.test(idOrName) && (await this.exists(idOrName))) return idOrName
    // The index as it is first; an answer it cannot give, or a name its file no longer holds, from it verified.
    return (await this.resolveIn(idOrName, true)) ?? (this.resolveIn(idOrName, false) as Promise<string>)
  }

  /** resolve() from the index (trusted or verified); undefined when the trusted index cannot be sure. */
  private async resolveIn(idOrName: string, trust: boolean): Promise<string | undefined> {
    const {summaries, unreadable} = await this.scan({trust})
    const named = summaries.find((summary) => summary.name === idOrName)
    if (named) {
      if (!trust) return named.id
      // A file rewritten in place by hand is not seen by the trusted index: its name is read from the file.
      const outcome = await this.read(named.id)
      return outcome?.ok && outcome.conversation.name === idOrName ? named.id : undefined
    }
    const ids = [...summaries, ...unreadable].map(({id}) => id)
    const matches = ids.filter((id) => id.startsWith(idOrName)).sort()
    if (matches.length === 1) return matches[0]
    if (matches.length > 1) {
      const names = new Map(summaries.map((summary) => [summary.id, summary.name]))
      const shown = matches.slice(0, 10).map((id) => (names.get(id) ? `${id} (${names.get(id)})` : id))
      const more = matches.length > shown.length ? `, and ${matches.length - shown.length} more` : ''
      throw new UsageError(
        `"${idOrName}" matches ${matches.length} conversations: ${shown.join(', ')}${more}. Give more of the id`,
      )
    }
    if (trust) return undefined
    throw notFound(idOrName, unreadable.length)
  }

  /** The most recently updated readable conversation, if any, and warnings for the files skipped. */
  async latest(): Promise<{conversation?: Conversation; warnings: string[]}> {
    const {conversations, warnings} = await this.list()
    return {conversation: conversations[0] && (await this.load(conversations[0].id)), warnings}
  }

  /** Every readable conversation's summary, most recently updated first. Never throws for one bad file. */
  async list(): Promise<Listing> {
    const {summaries, unreadable} = await this.scan()
    const warnings = unreadable
      .map(({id, reason}) => ({id, reason}))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(({id, reason}) => `Skipped ${this.pathFor(id)}: ${reason}`)
    return {conversations: summaries, warnings}
  }

  /**
   * Summaries of the readable conversations (most recently updated first) and the files that cannot be used (most
   * recently modified first), from the index beside the folder: verified against every file, or with `trust`, taken
   * as it is while the folder shows no change it did not record (conversation-index.ts).
   */
  scan(options: {trust?: boolean} = {}): Promise<StoreScan> {
    return scanStore(this.dir, options)
  }

  /**
   * The conversation updated last (by its updated_at) and the unusable files, from the index: trusted (taken as it
   * is while the folder shows no change it did not record), or verified against every file.
   */
  latestEntry(options: {trust: boolean}): Promise<StoreLatest> {
    return latestInStore(this.dir, options)
  }

  /** Deletes `<id>.json` (readable or not). Exit 4 when there is no such conversation. */
  async remove(id: string): Promise<void> {
    const before = folderState(this.dir)
    try {
      await unlink(this.pathFor(id))
      logChange(this.dir, before, id)
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

  private async exists(id: string): Promise<boolean> {
    return stat(this.pathFor(id)).then(
      () => true,
      (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
    )
  }

  /** undefined: no such file; ok false: it exists but is not a conversation we can use. */
  private async read(id: string): Promise<ReadOutcome | undefined> {
    const path = this.pathFor(id)
    let raw: string
    try {
      raw = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      return {ok: false, reason: unreadableReason(error)}
    }
    return parseConversation(raw, id)
  }

  private async assertNameFree(name: string, ownId: string): Promise<void> {
    // Verified: a name given by hand in a file rewritten in place counts too (naming is rare; a stat per file is fine).
    const {summaries} = await this.scan()
    const holder = summaries.find((summary) => summary.name === name && summary.id !== ownId)
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
