import {contentText} from './transcript.js'
import type {Conversation, Usage} from './types.js'

/**
 * One saved conversation's file, `<id>.json`: its format (what `serialize` writes), the checks a file must pass to
 * be used (`parseConversation`), and its summary (what `conversations list` shows and the store's index keeps).
 * The store (conversations.ts) owns where the files are and when they are written; its index
 * (conversation-index.ts) reads files through `parseConversation` too, so both judge a file alike.
 */

export const CONVERSATION_VERSION = 1

export const ID_PATTERN = /^[0-9a-z]{8}-[0-9a-z]{4}$/
export const FILE_PATTERN = /^([0-9a-z]{8}-[0-9a-z]{4})\.json$/

/** The short form `list --json` prints: everything but the messages and parameters. */
export interface ConversationSummary {
  created_at: string
  id: string
  messages: number
  model: string
  name: null | string
  /** What the conversation is called in a list: its name, else the start of its first user message. */
  title: string
  updated_at: string
  usage: Usage
}

/** What reading `<id>.json` gave: the conversation, or why it cannot be used. */
export type ReadOutcome = {conversation: Conversation; ok: true} | {ok: false; reason: string}

export function summarize(conversation: Conversation): ConversationSummary {
  return {
    created_at: conversation.created_at,
    id: conversation.id,
    messages: conversation.messages.length,
    model: conversation.model,
    name: conversation.name ?? null,
    title: titleOf(conversation),
    updated_at: conversation.updated_at,
    usage: conversation.usage,
  }
}

/** How many characters of the first user message make a title. */
const TITLE_CHARS = 60

/** The conversation's name, else the start of its first user message (its text, whitespace collapsed); or ''. */
export function titleOf(conversation: Pick<Conversation, 'messages' | 'name'>): string {
  if (conversation.name) return conversation.name
  const first = conversation.messages.find((message) => message.role === 'user')
  return first ? clip(contentText(first.content, true).replaceAll(/\s+/g, ' ').trim(), TITLE_CHARS) : ''
}

/** `text` cut to `chars` characters (whole code points), the last one an ellipsis. */
export function clip(text: string, chars: number): string {
  if (text.length <= chars) return text
  const points = [...text]
  return points.length <= chars ? text : points.slice(0, chars - 1).join('') + '…'
}

/** Most recently updated first; the same time: the later id (created later) first. */
export const byUpdatedDesc = (a: {id: string; updated_at: string}, b: {id: string; updated_at: string}) =>
  Date.parse(b.updated_at) - Date.parse(a.updated_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/**
 * `items` sorted by byUpdatedDesc, each time parsed once (10,000 items: ~280,000 comparisons). Items already in that
 * order (the store's index keeps them so) are returned as they are, after one pass that checks it.
 */
export function sortNewestFirst<T extends {id: string; updated_at: string}>(items: T[]): T[] {
  let before = Number.POSITIVE_INFINITY
  for (let at = 0; at < items.length; at++) {
    const time = Date.parse(items[at].updated_at)
    // Not `time > before`: a time that is not a number (never in a checked file) leaves the sort to decide too.
    if (!(time <= before) || (time === before && items[at].id > items[at - 1].id)) return sortedNewestFirst(items)
    before = time
  }
  return items
}

function sortedNewestFirst<T extends {id: string; updated_at: string}>(items: T[]): T[] {
  return items
    .map((item) => ({item, time: Date.parse(item.updated_at)}))
    .sort((a, b) => b.time - a.time || (a.item.id < b.item.id ? 1 : a.item.id > b.item.id ? -1 : 0))
    .map(({item}) => item)
}

/** Checks the parsed JSON of `<id>.json`; returns why it is not a conversation, or undefined. */
export function problemWith(value: unknown, id: string): string | undefined {
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

/** The text of `<id>.json`, checked. */
export function parseConversation(raw: string, id: string): ReadOutcome {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    return {ok: false, reason: `not valid JSON (${(error as Error).message})`}
  }
  const problem = problemWith(parsed, id)
  return problem ? {ok: false, reason: problem} : {conversation: parsed as Conversation, ok: true}
}

/** Why a file could not be read at all (EACCES, EISDIR, …), in the words `list` and `load` use. */
export const unreadableReason = (error: unknown): string =>
  `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`

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
