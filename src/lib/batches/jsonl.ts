import {isAscii} from 'node:buffer'
import {createReadStream, readSync} from 'node:fs'
import {type FileHandle, open} from 'node:fs/promises'

import {CliError, UsageError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'

/**
 * The `url`s a batch line may call. The spec's createBatch `endpoint` enum has only /v1/chat/completions; Groq's
 * batch guide (console.groq.com/docs/batch, read mid 2026) says the Batch API runs "chat completion (both text
 * and vision), audio transcription, and audio translation", i.e. /v1/audio/transcriptions and
 * /v1/audio/translations too (the groq-php client's batch support lists the same three).
 */
export const BATCH_URLS = ['/v1/chat/completions', '/v1/audio/transcriptions', '/v1/audio/translations'] as const
export const CHAT_URL = '/v1/chat/completions'

/** How many problems are printed before the rest are only counted. */
export const MAX_PROBLEMS_SHOWN = 20

export interface ValidationReport {
  /** Requests (non-blank lines) read. */
  lines: number
  /** `FILE:LINE: what is wrong`, the first MAX_PROBLEMS_SHOWN of them. */
  problems: string[]
  /** All problems found (problems.length is capped). */
  problemCount: number
  /** The `url` of the first valid line (every line must share it: one batch, one endpoint). */
  url?: string
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The custom_ids seen so far: `addIfNew` adds an id and says whether it was new. `where` locates its line. */
export interface CustomIdSet {
  addIfNew(id: string, where: number): boolean
}

/**
 * Checks one parsed line; returns what is wrong with it, or undefined. `seen` holds the custom_ids so far.
 * Exported for `batches run`, which builds its lines and checks them with the same rules.
 */
export function lineProblem(parsed: unknown, seen: Set<string>, firstUrl: string | undefined): string | undefined {
  return requestProblem(parsed, idSet(seen), firstUrl, 0)
}

/** A Set of the ids themselves, as a CustomIdSet (for lines that cannot be read again: built ones, a pipe's). */
const idSet = (seen: Set<string>): CustomIdSet => ({
  addIfNew(id) {
    if (seen.has(id)) return false
    seen.add(id)
    return true
  },
})

function requestProblem(
  parsed: unknown,
  ids: CustomIdSet,
  firstUrl: string | undefined,
  where: number,
): string | undefined {
  if (!isObject(parsed)) return 'not a JSON object'
  const {body, custom_id: customId, method, url} = parsed
  if (typeof customId !== 'string' || customId === '') return 'custom_id: missing (a non-empty string)'
  if (!ids.addIfNew(customId, where)) return `custom_id: "${customId}" is used by an earlier line (must be unique)`
  if (method !== 'POST')
    return `method: must be "POST"${method === undefined ? '' : ` (got ${JSON.stringify(method)})`}`
  if (typeof url !== 'string' || !(BATCH_URLS as readonly string[]).includes(url)) {
    return `url: must be one of ${BATCH_URLS.join(', ')}${url === undefined ? '' : ` (got ${JSON.stringify(url)})`}`
  }
  if (firstUrl !== undefined && url !== firstUrl) return `url: ${url} differs from ${firstUrl} (one endpoint per batch)`
  if (!isObject(body)) return 'body: missing (an object with the request)'
  if (typeof body.model !== 'string' || body.model === '') return 'body.model: missing'
  if (url === CHAT_URL && (!Array.isArray(body.messages) || body.messages.length === 0)) {
    return 'body.messages: missing (a non-empty array, for /v1/chat/completions)'
  }
  return undefined
}

/** Bytes read per step: big reads are a fraction of the time 1 MiB stream chunks took (see bench/PERF.md). */
const READ_BYTES = 4 << 20
const STRING_BYTES = 64 << 10
/** The custom_id table's largest share of used slots (linear probing stays short below ~0.7). */
const MAX_LOAD = 0.6
/** Bytes of a typical request line (~100 at the least): the custom_id table is first sized for a file of these. */
const TYPICAL_LINE_BYTES = 200

/**
 * Validates a batch JSONL file, reading it a few MiB at a time (a 100 MB file is never in memory; the custom_ids
 * are kept only as 64-bit hashes with their lines' offsets, to find duplicates exactly: `FileCustomIds`). Collects
 * the first MAX_PROBLEMS_SHOWN problems as `FILE:LINE: what is wrong`. Invalid UTF-8 becomes U+FFFD, and a BOM at
 * the start is dropped, as a TextDecoder does.
 */
export async function validateBatchFile(path: string, name = path): Promise<ValidationReport> {
  const report: ValidationReport = {lines: 0, problemCount: 0, problems: []}
  const problem = (line: number, what: string) => {
    report.problemCount++
    if (report.problems.length < MAX_PROBLEMS_SHOWN) report.problems.push(`${name}:${line}: ${what}`)
  }
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${name}: no such file`)
    throw error
  }
  let ids: CustomIdSet
  let lineNumber = 0
  // A blank line is a problem only when a request follows it (trailing blank lines are harmless).
  let blankAt: number | undefined
  /** One line, `offset` its first byte in the file (for the duplicate check's proof). */
  const check = (line: string, offset: number) => {
    lineNumber++
    if (isBlank(line)) {
      blankAt ??= lineNumber
      return
    }
    if (blankAt !== undefined) {
      problem(blankAt, 'empty line')
      blankAt = undefined
    }
    report.lines++
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (error) {
      problem(lineNumber, `not valid JSON (${(error as Error).message})`)
      return
    }
    const what = requestProblem(parsed, ids, report.url, offset)
    if (what) problem(lineNumber, what)
    else report.url ??= (parsed as {url: string}).url
  }
  try {
    const info = await handle.stat()
    // A pipe cannot be read twice, which FileCustomIds' exact comparison needs: its ids are kept as strings.
    ids = info.isFile() ? new FileCustomIds(handle.fd, info.size / TYPICAL_LINE_BYTES) : idSet(new Set())
    for await (const {bytes, offset} of linePieces(handle)) {
      // Lines are checked from strings of ~64 KiB of whole lines: V8 makes those in its young generation, where
      // a string of megabytes is a fresh mapping of memory each time (~0.5 s per million lines in page faults).
      for (let from = 0; from < bytes.length;) {
        let to = bytes.length
        if (from + STRING_BYTES < to) {
          to = bytes.lastIndexOf(10, from + STRING_BYTES) + 1
          if (to <= from) to = bytes.indexOf(10, from + STRING_BYTES) + 1 || bytes.length
        }
        if (isAscii(bytes.subarray(from, to))) {
          // The usual JSONL: one string (as Latin-1, a copy), its lines slices of it.
          const text = bytes.toString('latin1', from, to)
          const base = offset + from
          let start = 0
          let end = text.indexOf('\n')
          while (end !== -1) {
            check(
              end > start && text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end),
              base + start,
            )
            start = end + 1
            end = text.indexOf('\n', start)
          }
          if (start < text.length) check(text.slice(start), base + start)
        } else {
          // Not ASCII: each line is decoded as UTF-8 by itself (a line end never falls inside a character, so
          // this decodes as a streaming TextDecoder would: invalid bytes become U+FFFD; a BOM at the start goes).
          let start = offset + from === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : from
          let end = bytes.indexOf(10, start)
          while (end !== -1 && end < to) {
            check(bytes.toString('utf8', start, end > start && bytes[end - 1] === 13 ? end - 1 : end), offset + start)
            start = end + 1
            end = bytes.indexOf(10, start)
          }
          if (start < to) check(bytes.toString('utf8', start, to), offset + start)
        }
        from = to
      }
    }
  } finally {
    await handle.close()
  }
  if (report.lines === 0 && report.problemCount === 0) problem(1, 'no requests (the file is empty)')
  return report
}

/**
 * A file's bytes in pieces of whole lines (each ends with a line end, but the last piece of the file), read into
 * one reused buffer. A piece is valid only until the next is asked for.
 */
async function* linePieces(handle: FileHandle): AsyncGenerator<{bytes: Buffer; offset: number}> {
  let buffer = Buffer.allocUnsafe(READ_BYTES)
  let held = 0 // bytes of an unfinished line at the buffer's start
  let offset = 0 // the file offset of the buffer's first byte
  for (;;) {
    if (held === buffer.length) {
      // One line longer than the buffer: make room for more of it.
      const bigger = Buffer.allocUnsafe(buffer.length * 2)
      buffer.copy(bigger, 0, 0, held)
      buffer = bigger
    }
    const {bytesRead} = await handle.read(buffer, held, buffer.length - held, null)
    const filled = held + bytesRead
    if (bytesRead === 0) {
      if (filled > 0) yield {bytes: buffer.subarray(0, filled), offset}
      return
    }
    const cut = buffer.lastIndexOf(10, filled - 1) + 1
    if (cut > 0) yield {bytes: buffer.subarray(0, cut), offset}
    buffer.copy(buffer, 0, cut, filled)
    held = filled - cut
    offset += cut
  }
}

/**
 * The custom_ids of a file being validated, without keeping a million strings (a Set of them was a third of the
 * validation's time, most of it garbage collection): an open-addressing table of two 32-bit hashes per id and the
 * file offset of its line, four Int32s a slot (one cache line holds a whole slot). Two ids with the same hashes
 * are compared exactly, by reading the earlier line again.
 */
export class FileCustomIds implements CustomIdSet {
  private slots: Int32Array
  private mask: number
  private size = 0

  /** `expected`: about how many ids will come (sized from the file's length, to spare the table's growth). */
  constructor(
    private readonly fd: number,
    expected = 0,
  ) {
    let capacity = 1 << 12
    while (capacity < expected / MAX_LOAD && capacity < 1 << 22) capacity *= 2
    this.slots = new Int32Array(capacity * 4)
    this.mask = capacity - 1
  }

  addIfNew(id: string, offset: number): boolean {
    // FNV-1a and a multiply-xorshift hash over the UTF-16 units; `| 1` keeps 0 as "empty slot".
    let first = 0x811c9dc5 | 0
    let second = 0x9747b28c | 0
    for (let index = 0; index < id.length; index++) {
      const unit = id.charCodeAt(index)
      first = Math.imul(first ^ unit, 16_777_619)
      second = Math.imul(second ^ unit, 0x5bd1e995)
      second ^= second >>> 15
    }
    first |= 1
    const {mask, slots} = this
    let slot = (second ^ Math.imul(first, 0x27d4eb2d)) & mask
    for (;;) {
      const at = slot * 4
      const stored = slots[at]
      if (stored === 0) break
      if (
        stored === first &&
        slots[at + 1] === second &&
        this.idAt((slots[at + 2] >>> 0) + slots[at + 3] * 2 ** 32) === id
      )
        return false
      slot = (slot + 1) & mask
    }
    const at = slot * 4
    slots[at] = first
    slots[at + 1] = second
    slots[at + 2] = offset | 0 // the low 32 bits (read back unsigned)
    slots[at + 3] = Math.floor(offset / 2 ** 32)
    if (++this.size > MAX_LOAD * (mask + 1)) this.grow()
    return true
  }

  private grow(): void {
    const old = this.slots
    const capacity = (this.mask + 1) * 2
    const mask = capacity - 1
    const slots = new Int32Array(capacity * 4)
    for (let from = 0; from < old.length; from += 4) {
      const first = old[from]
      if (first === 0) continue
      const second = old[from + 1]
      let slot = (second ^ Math.imul(first, 0x27d4eb2d)) & mask
      while (slots[slot * 4] !== 0) slot = (slot + 1) & mask
      const to = slot * 4
      slots[to] = first
      slots[to + 1] = second
      slots[to + 2] = old[from + 2]
      slots[to + 3] = old[from + 3]
    }
    this.slots = slots
    this.mask = mask
  }

  /** The custom_id of the line at a file offset (a line that parsed, with a string custom_id, when it was added). */
  private idAt(offset: number): string | undefined {
    let buffer = Buffer.allocUnsafe(64 << 10)
    let filled = 0
    for (;;) {
      const read = readSync(this.fd, buffer, filled, buffer.length - filled, offset + filled)
      const end = buffer.subarray(0, filled + read).indexOf(10, filled)
      filled += read
      if (end !== -1) {
        filled = end
        break
      }
      if (read === 0) break
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(bigger)
        buffer = bigger
      }
    }
    try {
      const parsed: unknown = JSON.parse(buffer.toString('utf8', 0, filled))
      return isObject(parsed) && typeof parsed.custom_id === 'string' ? parsed.custom_id : undefined
    } catch {
      return undefined // the file changed under us: not the same id
    }
  }
}

/** Throws the UsageError (exit 2) that lists the problems, if there are any. */
export function assertValid(report: ValidationReport, name: string): void {
  if (report.problemCount === 0) return
  const more =
    report.problemCount > report.problems.length
      ? `\n… and ${report.problemCount - report.problems.length} more (${report.problemCount} problems in ${name})`
      : ''
  throw new UsageError(`${name} is not a valid batch file; nothing was sent:\n${report.problems.join('\n')}${more}`)
}

/**
 * Lines of a file as strings without their line ends, read in 1 MiB chunks. (readline is slower, and a
 * hand-rolled splitter lets a line's bytes be decoded once.)
 */
export function readLines(path: string): AsyncGenerator<string> {
  return streamLines(createReadStream(path, {encoding: 'utf8', highWaterMark: 1 << 20}))
}

/** Lines of any text stream (stdin for `batches run -`). */
export async function* streamLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  for await (const lines of streamLineBatches(stream)) yield* lines
}

/** The lines of a text stream without their line ends (LF or CRLF), as many as each chunk completes. */
export async function* streamLineBatches(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  let rest = ''
  const decoder = new TextDecoder()
  // An ASCII chunk (the usual JSONL) is turned into a string as Latin-1, about 3x faster than UTF-8 decoding; the
  // decoder takes any chunk after one that was not ASCII, so a character split across chunks is decoded whole.
  let clean = true
  for await (const chunk of stream) {
    let text = rest
    if (typeof chunk === 'string') text += chunk
    else {
      const ascii = isAscii(chunk)
      text += ascii && clean ? chunk.toString('latin1') : decoder.decode(chunk, {stream: true})
      clean = ascii
    }
    const lines: string[] = []
    let start = 0
    let newline = text.indexOf('\n', start)
    while (newline !== -1) {
      lines.push(text.charCodeAt(newline - 1) === 13 ? text.slice(start, newline - 1) : text.slice(start, newline))
      start = newline + 1
      newline = text.indexOf('\n', start)
    }
    rest = text.slice(start)
    if (lines.length > 0) yield lines
  }
  rest += decoder.decode()
  if (rest !== '') yield [rest]
}

/** A line with nothing but whitespace; a request line starts with `{`, so trim() runs only for odd lines. */
const isBlank = (line: string): boolean => line.length === 0 || (line.charCodeAt(0) !== 123 && line.trim() === '')

/** For the size check before an upload: a file over the limit is refused, naming both sizes. */
export function assertSize(name: string, bytes: number, limit: number): void {
  if (bytes > limit) {
    throw new CliError(
      `${name} is ${bytes.toLocaleString('en-US')} bytes, over the upload limit of ${limit.toLocaleString('en-US')} bytes ` +
        '(Groq: 100 MB; change with `groq config set files.max_size SIZE`)',
      ExitCode.usage,
    )
  }
}
