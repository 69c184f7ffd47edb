import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {mkdir, open, readFile, rename, rm, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomic} from '../core/atomic-write.js'
import {UsageError} from '../core/errors.js'
import {stateDir} from '../core/paths.js'
import {assertValid, CHAT_URL, lineProblem, MAX_PROBLEMS_SHOWN, streamLines, type ValidationReport} from './jsonl.js'

/**
 * `batches run`: turning PROMPTS into batch files, and the state that lets `--resume` reuse what a previous run
 * created. PROMPTS is a text file (one prompt per line), a JSONL of `{"messages": [...]}` or of ready batch lines,
 * or stdin. Each built line gets a stable custom_id from its line number and content, so the same input gives the
 * same ids (and the same state key) on every run.
 */

export interface ChatTemplate {
  /** model, parameters and the system message (from --model, --system, …). */
  body: Record<string, unknown> & {messages: unknown[]}
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `<line>-<8 hex of sha256(content)>`: stable for the same line at the same place, unique within a file. */
export function customIdFor(lineNumber: number, content: string): string {
  return `${lineNumber}-${createHash('sha256').update(content).digest('hex').slice(0, 8)}`
}

/** One input line as a batch line (or undefined for a blank line). */
export function buildLine(
  line: string,
  lineNumber: number,
  template: ChatTemplate,
): Record<string, unknown> | undefined {
  if (line.trim() === '') return undefined
  let parsed: unknown
  if (line.trimStart().startsWith('{')) {
    try {
      parsed = JSON.parse(line)
    } catch {
      parsed = undefined
    }
  }
  if (isObject(parsed) && 'body' in parsed && ('url' in parsed || 'custom_id' in parsed)) {
    return {custom_id: customIdFor(lineNumber, line), method: 'POST', url: CHAT_URL, ...parsed}
  }
  const messages =
    isObject(parsed) && Array.isArray(parsed.messages) ? parsed.messages : [{content: line, role: 'user'}]
  const extra = isObject(parsed) ? Object.fromEntries(Object.entries(parsed).filter(([key]) => key !== 'messages')) : {}
  return {
    body: {...template.body, ...extra, messages: [...template.body.messages, ...messages]},
    custom_id: customIdFor(lineNumber, line),
    method: 'POST',
    url: CHAT_URL,
  }
}

export interface Chunk {
  /** The part file under the run's state directory. */
  file: string
  requests: number
  bytes: number
  file_id?: string
  batch_id?: string
}

export interface RunState {
  key: string
  chunks: Chunk[]
  /** The joined result file written last, so a rerun does not write it again. */
  joined?: {bytes: number; path: string}
}

export interface BuildLimits {
  maxRequests: number
  maxBytes: number
}

export interface Built {
  dir: string
  key: string
  chunks: Chunk[]
  requests: number
}

/**
 * Builds and validates every line (FILE:LINE messages, the first 20, exit 2, before anything is sent), splitting
 * them into part files of at most `maxRequests` lines and `maxBytes` bytes under
 * `$XDG_STATE_HOME/groq/batches/<key>/`, where `key` hashes the built lines and the batch settings.
 */
export async function buildParts(
  input: AsyncIterable<Buffer | string>,
  name: string,
  template: ChatTemplate,
  limits: BuildLimits,
  settings: {completionWindow: string; env: NodeJS.ProcessEnv},
): Promise<Built> {
  const root = join(stateDir(settings.env), 'batches')
  const scratch = join(root, `.build-${process.pid}-${Date.now()}`)
  await mkdir(scratch, {mode: 0o700, recursive: true})
  const hash = createHash('sha256').update(`${settings.completionWindow}\n`)
  const report: ValidationReport = {lines: 0, problemCount: 0, problems: []}
  const seen = new Set<string>()
  const chunks: Chunk[] = []
  let current: undefined | {chunk: Chunk; handle: Awaited<ReturnType<typeof open>>}
  let lineNumber = 0
  try {
    for await (const line of streamLines(input)) {
      lineNumber++
      const built = buildLine(line, lineNumber, template)
      if (!built) continue
      report.lines++
      const problem = lineProblem(built, seen, report.url)
      if (problem) {
        report.problemCount++
        if (report.problems.length < MAX_PROBLEMS_SHOWN) report.problems.push(`${name}:${lineNumber}: ${problem}`)
        continue
      }
      report.url ??= built.url as string
      if (report.problemCount > 0) continue
      const text = JSON.stringify(built) + '\n'
      const bytes = Buffer.byteLength(text)
      if (bytes > limits.maxBytes)
        throw new UsageError(`${name}:${lineNumber}: one request is larger than a batch file may be`)
      if (!current || current.chunk.requests >= limits.maxRequests || current.chunk.bytes + bytes > limits.maxBytes) {
        await current?.handle.close()
        const chunk: Chunk = {bytes: 0, file: `part-${chunks.length + 1}.jsonl`, requests: 0}
        chunks.push(chunk)
        current = {chunk, handle: await open(join(scratch, chunk.file), 'w', 0o600)}
      }
      await current.handle.write(text)
      current.chunk.requests++
      current.chunk.bytes += bytes
      hash.update(text)
    }
    await current?.handle.close()
    current = undefined
    if (report.lines === 0) {
      report.problems.push(`${name}:1: no prompts`)
      report.problemCount++
    }
    assertValid(report, name)
    const key = hash.digest('hex').slice(0, 24)
    const dir = join(root, key)
    const existing = await stat(join(dir, 'state.json')).catch(() => undefined)
    if (existing) {
      await rm(scratch, {force: true, recursive: true})
    } else {
      await rm(dir, {force: true, recursive: true})
      await rename(scratch, dir)
    }
    return {chunks, dir, key, requests: report.lines}
  } catch (error) {
    await current?.handle.close().catch(() => {})
    await rm(scratch, {force: true, recursive: true})
    throw error
  }
}

export async function loadState(dir: string): Promise<RunState | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as RunState
  } catch {
    return undefined
  }
}

export async function saveState(dir: string, state: RunState): Promise<void> {
  await writeFileAtomic(join(dir, 'state.json'), JSON.stringify(state, null, 2) + '\n', 0o600)
}

/** The input as a stream: a path, or `-` for stdin. */
export function openInput(path: string, stdin: NodeJS.ReadableStream): AsyncIterable<Buffer | string> {
  return path === '-' ? (stdin as AsyncIterable<Buffer>) : createReadStream(path, {highWaterMark: 1 << 20})
}
