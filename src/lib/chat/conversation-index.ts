import {readdirSync, readFileSync, statSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {writeFileAtomic} from '../core/atomic-write.js'
import {CliError} from '../core/errors.js'
import {
  byUpdatedDesc,
  type ConversationSummary,
  FILE_PATTERN,
  parseConversation,
  summarize,
  unreadableReason,
} from './conversation-file.js'

/**
 * The conversation store's index: `conversations.index.json` beside the folder of conversation files, holding each
 * file's summary (or why it cannot be used) under a fingerprint of the file: size, mtime, ctime and inode. Listing
 * the store, `chat -c` (the latest conversation) and finding a conversation by name read the index and stat each
 * file instead of parsing every file, which took seconds at 10,000 conversations (bench/scale.mjs).
 *
 * The index is a cache, never trusted without the file: a file whose fingerprint differs from its entry (written
 * by a newer run, copied in, restored, touched, edited by hand) or that has no entry is read again, an entry whose
 * file is gone is dropped, and a missing or damaged index is rebuilt from the files. A file changed within the
 * last SETTLED_MS is read but not indexed: a second change within its timestamp's resolution could keep the
 * same fingerprint. So the index needs no lock: whoever writes it writes a whole one (atomically), and a reader
 * that finds it behind the files reads those files. Rewriting it costs about as much as parsing it, so it is
 * rewritten only once the files read again add up to an eighth of it (after a `chat -c` has changed one file, the
 * next run reads that file and leaves the index as it is).
 */

const INDEX_VERSION = 1
const SETTLED_MS = 2000

/** A summary without its id (the key it is stored under), or why the file cannot be used. */
type Indexed = Omit<ConversationSummary, 'id'> | string
type Entry = [fingerprint: string, indexed: Indexed]

export interface UnreadableFile {
  id: string
  mtimeMs: number
  reason: string
}

export interface StoreScan {
  /** Every readable conversation, most recently updated first. */
  summaries: ConversationSummary[]
  /** Files named like conversations that cannot be used, most recently modified first. */
  unreadable: UnreadableFile[]
}

/** `<store>.index.json`, beside the store's folder (so listing the folder shows only conversations). */
export const indexPath = (dir: string): string => join(dirname(dir), `${basename(dir)}.index.json`)

/** Reads the store through its index, bringing the index up to date when that is worth it. Throws only for the folder. */
export async function scanStore(dir: string, now = Date.now()): Promise<StoreScan> {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {summaries: [], unreadable: []}
    throw new CliError(`Cannot read the conversations directory ${dir}: ${(error as Error).message}`)
  }
  const path = indexPath(dir)
  const {entries: indexed, size: indexSize} = readIndex(path)
  const entries: Record<string, Entry> = {}
  const summaries: ConversationSummary[] = []
  const unreadable: UnreadableFile[] = []
  let kept = 0
  let replaced = 0
  let readAgain = 0
  // Synchronous on purpose: ten thousand stats take a quarter of the time as promises.
  for (const name of names) {
    const id = FILE_PATTERN.exec(name)?.[1]
    if (id === undefined) continue
    const file = join(dir, name)
    const stats = statSync(file, {throwIfNoEntry: false})
    if (!stats) continue // removed meanwhile
    const fingerprint = `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`
    let entry = indexed?.[id]
    if (entry && entry[0] === fingerprint && isIndexed(entry[1])) {
      kept++
      entries[id] = entry
    } else {
      if (entry) replaced++
      entry = [fingerprint, readFile(file, id)]
      if (now - Math.max(stats.mtimeMs, stats.ctimeMs) > SETTLED_MS) {
        entries[id] = entry
        readAgain += stats.size
      }
    }
    const value = entry[1]
    if (typeof value === 'string') unreadable.push({id, mtimeMs: stats.mtimeMs, reason: value})
    else summaries.push(withId(value, id))
  }
  const dropped = indexed ? Object.keys(indexed).length - kept - replaced : 0
  const changed = readAgain > 0 || dropped > 0
  // Worth rewriting when there is no index yet, or when the files read again (and the entries of files gone) come
  // to an eighth of its size: until then, reading them again each time costs less than rewriting it.
  if (changed && (!indexed || (readAgain + dropped * 256) * 8 >= indexSize)) await writeIndex(path, entries)
  return {
    summaries: summaries.sort(byUpdatedDesc),
    unreadable: unreadable.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.id < b.id ? 1 : -1)),
  }
}

/** The summary with its id, keys in summarize()'s order (what `list --json` prints). */
const withId = (summary: Omit<ConversationSummary, 'id'>, id: string): ConversationSummary => ({
  created_at: summary.created_at,
  id,
  messages: summary.messages,
  model: summary.model,
  name: summary.name,
  updated_at: summary.updated_at,
  usage: summary.usage,
})

function readFile(file: string, id: string): Indexed {
  let raw: string
  try {
    raw = readFileSync(file, 'utf8')
  } catch (error) {
    return unreadableReason(error)
  }
  const outcome = parseConversation(raw, id)
  if (!outcome.ok) return outcome.reason
  const {id: _id, ...summary} = summarize(outcome.conversation)
  return summary
}

function readIndex(path: string): {entries?: Record<string, Entry>; size: number} {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return {size: 0}
  }
  try {
    const index = JSON.parse(text) as {entries?: unknown; version?: unknown}
    if (index?.version !== INDEX_VERSION || !index.entries || typeof index.entries !== 'object') return {size: 0}
    return {entries: index.entries as Record<string, Entry>, size: text.length}
  } catch {
    return {size: 0} // damaged (a crash while it was written, an edit): rebuilt from the files
  }
}

/** An entry's value as this version writes it (a hand-edited index is read again from the files where it is not). */
function isIndexed(value: unknown): value is Indexed {
  if (typeof value === 'string') return true
  if (!value || typeof value !== 'object') return false
  const summary = value as Record<string, unknown>
  return (
    typeof summary.updated_at === 'string' &&
    typeof summary.created_at === 'string' &&
    typeof summary.model === 'string' &&
    typeof summary.messages === 'number' &&
    (summary.name === null || typeof summary.name === 'string') &&
    !!summary.usage &&
    typeof summary.usage === 'object'
  )
}

async function writeIndex(path: string, entries: Record<string, Entry>): Promise<void> {
  const text = JSON.stringify({version: INDEX_VERSION, entries}) + '\n'
  // A cache: a store whose index cannot be written (a read-only disk, a full one) is read from its files.
  await writeFileAtomic(path, text, 0o600).catch(() => {})
}
