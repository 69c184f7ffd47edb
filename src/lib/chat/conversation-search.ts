import {readFileSync} from 'node:fs'

import {UsageError} from '../core/errors.js'
import {type ConversationSummary, parseConversation, sortNewestFirst, summarize} from './conversation-file.js'
import type {ConversationStore} from './conversations.js'
import {contentText} from './transcript.js'
import type {ChatMessage} from './types.js'

/**
 * `groq conversations search TEXT`: the saved conversations with a message containing TEXT, ignoring case (a plain
 * substring, not a pattern). The store's index says which conversations there are; each file is then read, and
 * parsed only when its text contains TEXT at all (most do not).
 */

/** One message that contains the text. */
export interface MessageMatch {
  /** Its index in the conversation's messages. */
  message: number
  role: string
  /** The text around the first occurrence, whitespace collapsed, cut ends marked with an ellipsis. */
  snippet: string
}

/** A conversation that contains the text: its summary (as `conversations list --json`), and where. */
export interface SearchHit extends ConversationSummary {
  matches: MessageMatch[]
}

export interface SearchResult {
  /** Most recently updated first. */
  hits: SearchHit[]
  /** One line per file that was skipped because it could not be read or parsed, naming the file. */
  warnings: string[]
}

/** Characters of context a snippet keeps before and after what matched. */
const BEFORE = 30
const AFTER = 50

export async function searchConversations(store: ConversationStore, text: string): Promise<SearchResult> {
  if (text.trim() === '') throw new UsageError('Give the text to search for (an empty one would match everything)')
  const pattern = new RegExp(text.replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&'), 'iu')
  // JSON writes quotes, backslashes and control characters escaped: a file's raw text cannot be searched for them.
  const rawSearchable = ![...text].some((char) => char === '"' || char === '\\' || char < ' ')
  const {conversations, warnings} = await store.list()
  const hits: SearchHit[] = []
  for (const {id} of conversations) {
    let raw: string
    try {
      raw = readFileSync(store.pathFor(id), 'utf8')
    } catch {
      continue // removed since it was listed
    }
    // Not in the file's text, so in none of its messages; unless the file spells characters as \u escapes (or \/),
    // which groq never writes but another tool might.
    if (rawSearchable && !/\\[u/]/.test(raw) && !pattern.test(raw)) continue
    const outcome = parseConversation(raw, id)
    if (!outcome.ok) continue // changed since it was listed: the next search or list says so
    const matches = matchesIn(outcome.conversation.messages, pattern)
    if (matches.length > 0) hits.push({...summarize(outcome.conversation), matches})
  }
  return {hits: sortNewestFirst(hits), warnings}
}

function matchesIn(messages: ChatMessage[], pattern: RegExp): MessageMatch[] {
  const matches: MessageMatch[] = []
  for (const [index, message] of messages.entries()) {
    const text = contentText(message.content, true)
    const found = pattern.exec(text)
    if (found) matches.push({message: index, role: message.role, snippet: snippet(text, found.index, found[0].length)})
  }
  return matches
}

/**
 * The text around [at, at + length): cut between words where there is a space to cut at (else between code points),
 * whitespace collapsed, an ellipsis where it was cut.
 */
export function snippet(text: string, at: number, length: number): string {
  let start = Math.max(0, at - BEFORE)
  let end = Math.min(text.length, at + length + AFTER)
  if (start > 0 && !/\s/.test(text[start - 1])) {
    const space = text.slice(start, at).search(/\s/)
    if (space !== -1) start += space + 1
    else if (isLowSurrogate(text.charCodeAt(start))) start--
  }
  if (end < text.length && !/\s/.test(text[end])) {
    const space = text.slice(at + length, end).search(/\s\S*$/)
    if (space !== -1) end = at + length + space
    else if (isLowSurrogate(text.charCodeAt(end))) end++
  }
  const piece = text.slice(start, end).replaceAll(/\s+/g, ' ').trim()
  return `${start > 0 ? '…' : ''}${piece}${end < text.length ? '…' : ''}`
}

const isLowSurrogate = (code: number) => code >= 0xdc_00 && code <= 0xdf_ff
