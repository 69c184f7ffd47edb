import {isAscii} from 'node:buffer'
import {createReadStream} from 'node:fs'

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

/**
 * Checks one parsed line; returns what is wrong with it, or undefined. `seen` holds the custom_ids so far.
 * Exported for `batches run`, which builds its lines and checks them with the same rules.
 */
export function lineProblem(parsed: unknown, seen: Set<string>, firstUrl: string | undefined): string | undefined {
  if (!isObject(parsed)) return 'not a JSON object'
  const {body, custom_id: customId, method, url} = parsed
  if (typeof customId !== 'string' || customId === '') return 'custom_id: missing (a non-empty string)'
  if (seen.has(customId)) return `custom_id: "${customId}" is used by an earlier line (must be unique)`
  seen.add(customId)
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

/**
 * Validates a batch JSONL file, streaming it line by line (a 100 MB file is never in memory; only the custom_ids
 * are kept, to find duplicates). Collects the first MAX_PROBLEMS_SHOWN problems as `FILE:LINE: what is wrong`.
 */
export async function validateBatchFile(path: string, name = path): Promise<ValidationReport> {
  const report: ValidationReport = {lines: 0, problemCount: 0, problems: []}
  const seen = new Set<string>()
  const problem = (line: number, what: string) => {
    report.problemCount++
    if (report.problems.length < MAX_PROBLEMS_SHOWN) report.problems.push(`${name}:${line}: ${what}`)
  }
  let lineNumber = 0
  // A blank line is a problem only when a request follows it (trailing blank lines are harmless).
  let blankAt: number | undefined
  try {
    // Lines come a chunk at a time: one await per 1 MiB, not one per line (a quarter of the time at 1M lines).
    for await (const lines of streamLineBatches(createReadStream(path, {highWaterMark: 1 << 20}))) {
      for (const line of lines) {
        lineNumber++
        if (isBlank(line)) {
          blankAt ??= lineNumber
          continue
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
          continue
        }
        const what = lineProblem(parsed, seen, report.url)
        if (what) problem(lineNumber, what)
        else report.url ??= (parsed as {url: string}).url
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UsageError(`${name}: no such file`)
    throw error
  }
  if (report.lines === 0 && report.problemCount === 0) problem(1, 'no requests (the file is empty)')
  return report
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
