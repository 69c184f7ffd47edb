import {
  closeSync,
  constants as fs,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs'
import {createRequire} from 'node:module'
import {basename, dirname, join} from 'node:path'

import {writeFileAtomic} from '../core/atomic-write.js'
import {CliError} from '../core/errors.js'
import {fileStatter} from '../core/file-stats.js'
import {
  byUpdatedDesc,
  sortNewestFirst,
  type ConversationSummary,
  parseConversation,
  summarize,
  unreadableReason,
} from './conversation-file.js'

/**
 * The conversation store's index: `conversations.index` beside the folder of conversation files, so that listing,
 * `chat -c` and names need not parse every file (seconds at 10,000 conversations; bench/scale.mjs).
 *
 * It holds each file's summary (or why it cannot be used) with the file's fingerprint (size, mtime, ctime, inode),
 * and the folder's own state (mtime, ctime, inode), which changes whenever a file is added, removed or renamed in it.
 *
 * - Verifying (`conversations list`, and whenever the folder is not as the index last saw it) stats every file and
 *   reads the ones whose fingerprint differs or that are new: copied in, restored, touched, edited by hand. A file
 *   changed within the last SETTLED_MS is read but its fingerprint is not kept (a second change within the
 *   timestamp's resolution could keep it), so the next verification reads it again.
 * - Trusting (`chat -c`, names): while the folder is as the index last saw it, no file was added, removed or
 *   renamed, and the index is taken as it is, without a stat per file (10,000 stats cost more than the rest of
 *   `chat -c`); only the few files that cannot be used are checked, since what is said of them depends on their
 *   times. groq's own saves change the folder (a temp file, a rename, a lock file), so each one appends what it
 *   wrote and the folder's state before and after: the index follows them without a verification.
 *
 * The file is lines: a header with the folder's state, then entries, then what was appended since (saves, removals,
 * verifications), replayed in order. A process that appends to it while another rewrites it loses its lines, and a
 * change to the folder between two logged ones breaks the chain of states: either way the folder no longer matches
 * and the next reader verifies. So no lock: whoever writes, a reader never trusts an index the folder contradicts.
 * Every line ends in a tab and a dot: a line without it was cut short (a crash while appending), and an index with
 * such a line is verified and rewritten, never trusted. It is rewritten (atomically) when it is missing, when a
 * verification finds much changed, or when the appended lines grow long.
 *
 * What trusting cannot see: a file rewritten in place (its inode kept: `echo >`, some editors) leaves the folder as
 * it was. The store checks what it answers with against the file it then reads (a name, the latest's updated_at)
 * and verifies when they differ; another file rewritten in place to a newer updated_at is seen at the next
 * verification (any `conversations list`, or any other change to the folder). Nor can it see a change another
 * program makes within a groq save's own (the same milliseconds), which the save's line then covers; on Linux
 * before 6.13 (coarse timestamps) that holds for a few milliseconds after it too.
 */

const HEADER = 'groq conversation index 6'
/** The end of every line: a line without it was cut short. */
const END = '\t.'
const SETTLED_MS = 2000

/**
 * One conversation file as indexed, a JSON array: the file's id, size, mtime, ctime and inode (inode -1: not settled
 * when read, so a verification reads it again), then the summary's fields in summarize()'s order but for id and
 * updated_at (which come first): a readable file's updated_at, created_at, messages, model, name, title and usage;
 * an unusable one's '' and why it cannot be used. An array, not the summary as an object: the keys written once in
 * the code rather than 10,000 times in the file, a third fewer bytes for the JSON.parse that reads the whole body
 * (bench/PERF.md, issue 14). summaryOf() makes the summary `list --json` prints.
 */
type ReadableEntry = [
  id: string,
  size: number,
  mtimeMs: number,
  ctimeMs: number,
  ino: number,
  updatedAt: string,
  createdAt: string,
  messages: number,
  model: string,
  name: null | string,
  title: string,
  usage: ConversationSummary['usage'],
]
type UnusableEntry = [
  id: string,
  size: number,
  mtimeMs: number,
  ctimeMs: number,
  ino: number,
  updatedAt: '',
  reason: string,
]
type Entry = ReadableEntry | UnusableEntry

const isReadable = (entry: Entry): entry is ReadableEntry => entry[5] !== ''

/** The summary an entry holds, as summarize() made it (the same keys in the same order). */
const summaryOf = (entry: ReadableEntry): ConversationSummary => ({
  created_at: entry[6],
  id: entry[0],
  messages: entry[7],
  model: entry[8],
  name: entry[9],
  title: entry[10],
  updated_at: entry[5],
  usage: entry[11],
})

/** The entry for a file of these stats (ino -1 when not settled) and this summary or reason. */
const entryFor = (id: string, stats: Stats, ino: number, value: ConversationSummary | string): Entry =>
  typeof value === 'string'
    ? [id, stats.size, stats.mtimeMs, stats.ctimeMs, ino, '', value]
    : [
        id,
        stats.size,
        stats.mtimeMs,
        stats.ctimeMs,
        ino,
        value.updated_at,
        value.created_at,
        value.messages,
        value.model,
        value.name,
        value.title,
        value.usage,
      ]

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

export interface StoreLatest {
  /** The readable conversation updated last. */
  latest?: {id: string; updated_at: string}
  unreadable: UnreadableFile[]
}

/** `<store>.index`, beside the store's folder (so listing the folder shows only conversations). */
export const indexPath = (dir: string): string => join(dirname(dir), `${basename(dir)}.index`)

/** The folder's state, or undefined when it does not exist (or on a file system whose times have whole seconds). */
export function folderState(dir: string): string | undefined {
  const stats = statSync(dir, {throwIfNoEntry: false})
  if (!stats) return undefined
  // Times to the second (FAT, some network mounts): two changes within one second look alike. Never trusted.
  if (stats.mtimeMs % 1000 === 0) return undefined
  return `${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`
}

// ---- reading the index -----------------------------------------------------------------------------------------

/**
 * The index file as read: its header, where its body (the entries of the last rewrite) lies, and what the lines
 * appended after the body say. The body is decoded only as far as it is needed.
 */
interface IndexFile {
  /** Lines after the body. */
  appended: number
  /** Byte offsets of the body: its entries, the unusable files first, then newest updated_at first. */
  body: {end: number; start: number}
  /** The file's first bytes: all of them, or (read for its head) the header and the top of the body. */
  buffer: Buffer
  /** Entries in the body. */
  count: number
  /** A line was not whole (a crash while it was written): verified and rewritten, never trusted. */
  damaged: boolean
  /** The folder as the last line that spoke of it left it; undefined when a change was not logged. */
  folder: string | undefined
  /** The appended lines' last word on each id: its entry, or null when it was removed. */
  tail: Map<string, Entry | null>
}

type Line =
  | {entry: Entry; kind: 'E'}
  | {folder: string | undefined; kind: 'V'}
  | {after: string; before: string; kind: 'F'}
  | {id: string; kind: 'D'}

type Stats = {ctimeMs: number; ino: number; mtimeMs: number; size: number}

/** Whether the file is as its entry says but for the inode (unsettled entries have none). */
const sameTimes = (entry: Entry, stats: Stats) =>
  entry[1] === stats.size && entry[2] === stats.mtimeMs && entry[3] === stats.ctimeMs
/** Whether the file is as its entry says: numbers compared, no string made per file (10,000 of them). */
const unchanged = (entry: Entry | undefined, stats: Stats): entry is Entry =>
  entry !== undefined && entry[4] === stats.ino && sameTimes(entry, stats)

/** One line's meaning; undefined when it was cut short or is not ours. */
function parseLine(text: string): Line | undefined {
  if (!text.endsWith(END)) return undefined
  if (text.startsWith('E\t')) {
    const entry = entryOf(text.slice(2, -END.length))
    return entry && {entry, kind: 'E'}
  }
  const fields = text.slice(0, -END.length).split('\t')
  switch (fields[0]) {
    case 'D': {
      return fields.length === 2 ? {id: fields[1], kind: 'D'} : undefined
    }
    case 'F': {
      return fields.length === 3 ? {after: fields[2], before: fields[1], kind: 'F'} : undefined
    }
    case 'V': {
      return fields.length === 2 ? {folder: fields[1] || undefined, kind: 'V'} : undefined
    }
    default: {
      return undefined
    }
  }
}

/** The index as it is now; with `head`, only the first `head` bytes of it and the lines after the body. */
function readIndex(dir: string, head = Number.POSITIVE_INFINITY): IndexFile | undefined {
  let fd: number
  try {
    fd = openSync(indexPath(dir), 'r')
  } catch {
    return undefined
  }
  let buffer: Buffer
  let appended: string
  try {
    const size = fstatSync(fd).size
    buffer = readAt(fd, 0, Math.min(size, head))
    const end = bodyEnd(buffer)
    if (end === undefined || end > size) return undefined // damaged or cut: rebuilt
    appended = end <= buffer.length ? buffer.toString('latin1', end) : readAt(fd, end, size).toString('latin1')
  } catch {
    return undefined // not a file (EISDIR), or unreadable: the files are read instead
  } finally {
    closeSync(fd)
  }
  const headerEnd = buffer.indexOf(10)
  const [, folder, end, count] = buffer.toString('latin1', 0, headerEnd - END.length).split('\t')
  const file: IndexFile = {
    appended: 0,
    body: {end: Number(end), start: headerEnd + 1},
    buffer,
    count: Number(count),
    damaged: false,
    folder: folder || undefined,
    tail: new Map(),
  }
  for (const text of appended.split('\n')) {
    if (text === '') continue
    file.appended++
    const parsed = parseLine(text)
    if (!parsed) {
      file.damaged = true // cut short by a crash: what it said is unknown
      continue
    }
    switch (parsed.kind) {
      case 'E': {
        file.tail.set(parsed.entry[0], parsed.entry)
        break
      }
      case 'D': {
        file.tail.set(parsed.id, null)
        break
      }
      case 'F': {
        // A groq save or removal: the folder went from before to after. Unbroken only if it left off there.
        const unbroken = file.folder !== undefined && file.folder === parsed.before && parsed.after !== '-'
        file.folder = unbroken ? parsed.after : undefined
        break
      }
      case 'V': {
        file.folder = parsed.folder
        break
      }
    }
  }
  return file
}

/** An entry from its JSON; undefined when it is not one (damaged by hand). */
function entryOf(json: string): Entry | undefined {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return undefined
  }
  return isEntry(value) ? value : undefined
}

function isEntry(value: unknown): value is Entry {
  if (!Array.isArray(value) || typeof value[0] !== 'string') return false
  for (let at = 1; at < 5; at++) if (typeof value[at] !== 'number') return false
  if (value[5] === '') return value.length === 7 && typeof value[6] === 'string'
  const usage = value[11] as unknown
  return (
    value.length === 12 &&
    typeof value[5] === 'string' &&
    typeof value[6] === 'string' &&
    typeof value[7] === 'number' &&
    typeof value[8] === 'string' &&
    (value[9] === null || typeof value[9] === 'string') &&
    typeof value[10] === 'string' &&
    typeof usage === 'object' &&
    usage !== null &&
    !Array.isArray(usage)
  )
}

/** Where the body ends (in bytes), if the header is whole and ours. */
function bodyEnd(buffer: Buffer): number | undefined {
  const headerEnd = buffer.indexOf(10)
  if (headerEnd === -1) return undefined
  const header = buffer.toString('latin1', 0, headerEnd)
  if (!header.endsWith(END)) return undefined
  const [name, , end] = header.slice(0, -END.length).split('\t')
  // Damaged, or another version's: rebuilt. The body ends after the header, at the end of a line.
  return name === HEADER && Number(end) > headerEnd ? Number(end) : undefined
}

function readAt(fd: number, start: number, end: number): Buffer {
  const buffer = Buffer.allocUnsafe(Math.max(end - start, 0))
  let done = 0
  while (done < buffer.length) {
    const read = readSync(fd, buffer, done, buffer.length - done, start + done)
    if (read === 0) return buffer.subarray(0, done)
    done += read
  }
  return buffer
}

/**
 * The whole body's entries in order: the body is one JSON array (an entry a line), read by one JSON.parse straight
 * from the bytes. One that does not parse, not into `count` entries, or not ending in a newline where the header
 * says, was damaged by hand: `file.damaged`, and no entries.
 */
function bodyEntries(file: IndexFile): Entry[] {
  const {body, buffer} = file
  let entries: unknown
  try {
    if (buffer[body.end - 1] !== 10) throw new Error('not whole')
    entries = JSON.parse(buffer.toString('latin1', body.start, body.end))
  } catch {
    entries = undefined
  }
  if (!Array.isArray(entries) || entries.length !== file.count) {
    file.damaged = true
    return []
  }
  for (const entry of entries as unknown[]) {
    if (!isEntry(entry)) {
      file.damaged = true
      return []
    }
  }
  return entries as Entry[]
}

/**
 * The body's entries from its head (`chat -c`), one line at a time, so the caller may stop early: `[`, then an entry
 * a line, each but the last followed by a comma, then `]`. It ends where the bytes read do (`file.buffer` may be
 * shorter than the body). A line that is not so was damaged by hand: `file.damaged`.
 */
function* headEntries(file: IndexFile): Generator<Entry> {
  const {buffer} = file
  const last = buffer.lastIndexOf(10, file.body.end - 1)
  if (last < file.body.start) return
  const text = buffer.toString('latin1', file.body.start, last + 1)
  let at = text.indexOf('\n') + 1
  if (text.slice(0, at) !== '[\n') {
    file.damaged = true
    return
  }
  while (at < text.length) {
    const end = text.indexOf('\n', at)
    const line = text.slice(at, end)
    at = end + 1
    if (line === ']') return
    const entry = entryOf(line.endsWith(',') ? line.slice(0, -1) : line)
    if (entry) yield entry
    else file.damaged = true // written whole by a rewrite: only a hand could have broken it
  }
}

/** Every entry: the body's, as the appended lines left them (in the body's order, new ones after). */
function allEntries(file: IndexFile): Map<string, Entry> {
  const entries = new Map<string, Entry>()
  for (const entry of bodyEntries(file)) entries.set(entry[0], entry)
  for (const [id, entry] of file.tail) {
    if (entry) entries.set(id, entry)
    else entries.delete(id)
  }
  return entries
}

/** What `chat -c` reads of the index: its header and the top of its body (a few hundred entries). */
const HEAD_BYTES = 64 * 1024

/** Rewritten once the appended lines outgrow an eighth of the body (64 at least). */
const outgrown = (file: IndexFile) => file.appended > Math.max(64, file.count / 8)

const unusable = (entry: UnusableEntry): UnreadableFile => ({id: entry[0], mtimeMs: entry[2], reason: entry[6]})

const newestFirst = (a: UnreadableFile, b: UnreadableFile) => b.mtimeMs - a.mtimeMs || (a.id < b.id ? 1 : -1)

// ---- verifying and writing --------------------------------------------------------------------------------------

const entryLine = (entry: Entry) => `E\t${asciiJson(entry)}${END}\n`
/**
 * JSON with every character past ASCII escaped (`\u2026`): the index is ASCII, decoded as Latin-1 into a one-byte
 * string, three times faster than UTF-8 with a title's ellipsis in it (3.7 MB at 10,000 conversations).
 */
const asciiJson = (value: unknown) =>
  JSON.stringify(value).replaceAll(
    /[\u007F-\uFFFF]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
const line = (...fields: string[]) => `${fields.join('\t')}${END}\n`

/** The entry for a file, read from it. */
function readEntry(file: string, id: string, stats: Stats, now: number): Entry {
  const settled = now - Math.max(stats.mtimeMs, stats.ctimeMs) > SETTLED_MS
  const ino = settled ? stats.ino : -1
  let raw: string
  try {
    raw = readFileSync(file, 'utf8')
  } catch (error) {
    return entryFor(id, stats, ino, unreadableReason(error))
  }
  const outcome = parseConversation(raw, id)
  return entryFor(id, stats, ino, outcome.ok ? summarize(outcome.conversation) : outcome.reason)
}

/**
 * The id in a conversation file's name (conversation-file.ts's FILE_PATTERN, `<8 base-36>-<4 base-36>.json`), or
 * undefined: by its characters, as a regular expression matched against 10,000 names costs ~10 ms more.
 */
function idOfFile(name: string): string | undefined {
  if (name.length !== 18 || !name.endsWith('.json')) return undefined
  for (let at = 0; at < 13; at++) {
    const code = name.charCodeAt(at)
    const ok = at === 8 ? code === 45 : (code >= 48 && code <= 57) || (code >= 97 && code <= 122) // - 0-9 a-z
    if (!ok) return undefined
  }
  return name.slice(0, 13)
}

const require = createRequire(import.meta.url)

/** Stores at least this large make V8 grow its young generation faster (bigYoungGeneration). */
const BIG_STORE = 2000

/**
 * Lets V8 grow its young generation eightfold (not twofold) each time it grows. A verification of a big store keeps
 * all it parses (10,000 entries, ~10 MB), so each collection of the young generation copies everything allocated
 * since the last: grown from 1 MB in doublings that is six or seven collections, a third of the work at 10,000
 * (bench/PERF.md). V8 reads the factor each time it would grow; it leaves the code caches' flag hash as it was (as
 * chat/stream.ts's holdYoungGeneration, which sets it back to 1 when a stream starts).
 */
function bigYoungGeneration(): void {
  ;(require('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=8')
}

/** Brings the index up to date from the files (a stat each; the changed ones read), and records what changed. */
async function verify(dir: string, file: IndexFile | undefined, now: number): Promise<Map<string, Entry>> {
  const folder = folderState(dir) // before the listing: a change while we read leaves the folder newer than this
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw new CliError(`Cannot read the conversations directory ${dir}: ${(error as Error).message}`)
  }
  if (names.length >= BIG_STORE) bigYoungGeneration()
  // Updated in place: an entry read again keeps its place (the body's order, which scanStore need not sort again
  // while it holds), a new one goes after the others. No second map of 10,000.
  const entries = file ? allEntries(file) : new Map<string, Entry>()
  const indexed = entries.size
  const changed: Entry[] = []
  const present: string[] = []
  let found = 0
  const stat = fileStatter(dir) // statSync's numbers without its Stats object and Dates (core/file-stats.ts)
  for (const name of names) {
    const id = idOfFile(name)
    if (id === undefined) continue
    const path = `${dir}/${name}` // not join(): 10,000 normalisations show in a profile
    const stats = stat(path) // reused by the next stat: read before that
    if (!stats) continue // removed meanwhile
    present.push(id)
    const entry = entries.get(id)
    if (entry !== undefined) found++
    if (!unchanged(entry, stats)) {
      const read = readEntry(path, id, stats, now)
      changed.push(read)
      entries.set(id, read)
    }
  }
  const removed: string[] = []
  if (found < indexed) {
    // Files gone since the index saw them (rare): only then a set of the names.
    const here = new Set(present)
    for (const id of entries.keys()) if (!here.has(id)) removed.push(id)
    for (const id of removed) entries.delete(id)
  }
  if (!file || file.damaged || changed.length + removed.length + file.appended > Math.max(64, entries.size / 8)) {
    if (entries.size > 0 || file) await rewrite(dir, entries, folder)
  } else if (changed.length > 0 || removed.length > 0 || file.folder !== folder) {
    append(dir, line('V', folder ?? '') + changed.map(entryLine).join('') + removed.map((id) => line('D', id)).join(''))
  }
  return entries
}

/** Unusable files first (by id), then newest updated_at first: the latest conversation is near the top. */
const bodyOrder = (a: Entry, b: Entry) =>
  (a[5] === '' ? 0 : 1) - (b[5] === '' ? 0 : 1) ||
  (a[5] === '' ? (a[0] < b[0] ? -1 : 1) : byUpdatedDesc(entrySummary(a), entrySummary(b)))
const entrySummary = (entry: Entry) => ({id: entry[0], updated_at: entry[5]})

async function rewrite(dir: string, entries: Map<string, Entry>, folder: string | undefined): Promise<void> {
  // One JSON array, an entry a line (headEntries reads the top of it line by line).
  const body = `[${[...entries.values()]
    .sort(bodyOrder)
    .map((entry) => `\n${asciiJson(entry)}`)
    .join(',')}\n]\n`
  // The header says where the body ends (in bytes, the header included), so appended lines are found without it.
  let header = ''
  for (let width = 1; ; width++) {
    header = line(HEADER, folder ?? '', '0'.repeat(width), String(entries.size))
    const end = Buffer.byteLength(header) + Buffer.byteLength(body)
    if (String(end).length === width) {
      header = line(HEADER, folder ?? '', String(end), String(entries.size))
      break
    }
  }
  // A cache: a store whose index cannot be written (a read-only disk, a full one) is read from its files.
  await writeFileAtomic(indexPath(dir), header + body, 0o600).catch(() => {})
}

/**
 * Appends to an existing index, in one write (lines from two processes never interleave), starting a new line (a
 * line cut short by a crash stays apart, and is skipped).
 */
function append(dir: string, text: string): void {
  let fd: number | undefined
  try {
    fd = openSync(indexPath(dir), fs.O_WRONLY | fs.O_APPEND)
    writeSync(fd, '\n' + text)
  } catch {
    // no index (the next reader builds it), or it cannot be written: the next reader verifies
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

// ---- what the store asks ----------------------------------------------------------------------------------------

/** Whether the index can be taken as it is: whole, and the folder as its lines left it. */
const trustworthy = (dir: string, file: IndexFile | undefined): file is IndexFile =>
  file !== undefined && !file.damaged && file.folder !== undefined && file.folder === folderState(dir)

/**
 * Whether the files that cannot be used are as indexed. They are few, and what is said of them depends on their
 * times (`chat -c` stops at one modified after the latest conversation), which a `touch` changes without the folder.
 */
function unusableUnchanged(dir: string, entries: Iterable<Entry>): boolean {
  for (const entry of entries) {
    if (entry[5] !== '') continue
    const stats = statSync(join(dir, `${entry[0]}.json`), {throwIfNoEntry: false})
    if (!stats || !sameTimes(entry, stats)) return false
  }
  return true
}

/** The index as the files are now: verified (a stat per file), or trusted while the folder is as it last saw it. */
async function current(dir: string, trust: boolean, now: number): Promise<Map<string, Entry>> {
  const file = readIndex(dir)
  if (trust && trustworthy(dir, file)) {
    const entries = allEntries(file)
    if (!file.damaged && unusableUnchanged(dir, entries.values())) {
      if (outgrown(file)) await rewrite(dir, entries, file.folder)
      return entries
    }
  }
  return verify(dir, file, now)
}

/** Every conversation's summary and the unusable files, verified against the files. */
export async function scanStore(dir: string, options: {now?: number; trust?: boolean} = {}): Promise<StoreScan> {
  const entries = await current(dir, options.trust ?? false, options.now ?? Date.now())
  const summaries: ConversationSummary[] = []
  const unreadable: UnreadableFile[] = []
  for (const entry of entries.values()) {
    if (isReadable(entry)) summaries.push(summaryOf(entry))
    else unreadable.push(unusable(entry))
  }
  // In the index's order, which is newest first unless files changed since its last rewrite: sorted only if not.
  return {summaries: sortNewestFirst(summaries), unreadable: unreadable.sort(newestFirst)}
}

/**
 * The conversation updated last and the unusable files: from the index trusted, or verified. Trusted, it reads only
 * the top of the body (the unusable files, then the newest entry no appended line changed) and the appended lines.
 */
export async function latestInStore(dir: string, options: {now?: number; trust?: boolean} = {}): Promise<StoreLatest> {
  const now = options.now ?? Date.now()
  const file = options.trust ? readIndex(dir, HEAD_BYTES) : undefined
  let candidates: Iterable<Entry> | undefined
  if (file && trustworthy(dir, file) && !outgrown(file)) {
    const top: Entry[] = []
    for (const entry of headEntries(file)) {
      if (file.tail.has(entry[0])) continue
      top.push(entry)
      if (entry[5] !== '') break // the newest the appended lines left as it was
    }
    // Stopped at a readable entry, or read the whole body; else the head was too short: everything is read.
    const reachedTop = (top.length > 0 && top.at(-1)![5] !== '') || file.buffer.length >= file.body.end
    const tail = [...file.tail.values()].filter((entry): entry is Entry => entry !== null)
    if (reachedTop && !file.damaged && unusableUnchanged(dir, [...top, ...tail])) candidates = [...top, ...tail]
  }
  candidates ??= (await current(dir, options.trust ?? false, now)).values()
  let latest: Entry | undefined
  const unreadable: UnreadableFile[] = []
  for (const entry of candidates) {
    if (!isReadable(entry)) unreadable.push(unusable(entry))
    else if (!latest || byUpdatedDesc(entrySummary(entry), entrySummary(latest)) < 0) latest = entry
  }
  return {
    latest: latest && {id: latest[0], updated_at: latest[5]},
    unreadable: unreadable.sort(newestFirst),
  }
}

/**
 * After groq wrote or removed `<id>.json` (`before`: the folder's state before it started): appends what changed,
 * so the index follows without a verification. Without an index, or if the folder changed otherwise, nothing is
 * appended that a reader would trust.
 */
export function logChange(
  dir: string,
  before: string | undefined,
  id: string,
  conversation?: Parameters<typeof summarize>[0],
): void {
  const after = folderState(dir)
  let record = line('F', before ?? '-', after ?? '-')
  if (conversation) {
    const stats = statSync(join(dir, `${id}.json`), {throwIfNoEntry: false})
    if (!stats) return
    // Just written: not settled (ino -1), so a verification reads it once more.
    record += entryLine(entryFor(id, stats, -1, summarize(conversation)))
  } else {
    record += line('D', id)
  }
  append(dir, record)
}
