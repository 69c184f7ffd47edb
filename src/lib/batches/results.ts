import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CliError} from '../core/errors.js'
import type {IO} from '../core/io.js'
import type {GroqClient} from '../http/client.js'
import {DOWNLOAD, resolveSink, saveResponse, type Sink} from '../transfer/index.js'
import type {Progress} from '../ux/progress.js'
import {readLines} from './jsonl.js'

type Response = Parameters<typeof saveResponse>[0]

export interface FetchOptions {
  io: IO
  idleTimeoutMs: number
  signal?: AbortSignal
  ux: Progress
}

/** Downloads one file's content to a sink (transfer/: temp file, fsync, rename; or stdout). */
export async function downloadFile(client: GroqClient, fileId: string, sink: Sink, options: FetchOptions) {
  const response = (await client.files.content(fileId, {...DOWNLOAD, signal: options.signal})) as unknown as Response
  return saveResponse(response, sink, {
    idleTimeoutMs: options.idleTimeoutMs,
    io: options.io,
    progress: {label: fileId, ux: options.ux},
    signal: options.signal,
  })
}

/** A scratch directory removed afterwards (output and error files on their way to being joined). */
export async function withScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'groq-batch-'))
  try {
    return await work(dir)
  } finally {
    await rm(dir, {force: true, recursive: true})
  }
}

/** Reads result lines (output or error file) into a map by custom_id; lines without one are kept apart. */
export async function indexResults(paths: string[], into = new Map<string, string>()): Promise<Map<string, string>> {
  for (const path of paths) {
    for await (const line of readLines(path)) {
      if (line.trim() === '') continue
      try {
        const id = (JSON.parse(line) as {custom_id?: unknown}).custom_id
        if (typeof id === 'string') into.set(id, line)
      } catch {
        // a line Groq wrote that is not JSON: nothing to match it by
      }
    }
  }
  return into
}

/** The custom_ids of an input file, in order (the order the joined file follows). */
export async function inputIds(path: string): Promise<string[]> {
  const ids: string[] = []
  for await (const line of readLines(path)) {
    if (line.trim() === '') continue
    try {
      const id = (JSON.parse(line) as {custom_id?: unknown}).custom_id
      if (typeof id === 'string') ids.push(id)
    } catch {
      throw new CliError(`${path}: not a batch input file (a line is not JSON)`)
    }
  }
  return ids
}

/** A stand-in result for an input line Groq returned nothing for, so the joined file keeps one line per input. */
export const missingLine = (customId: string) =>
  JSON.stringify({
    custom_id: customId,
    error: {code: 'no_result', message: 'no result in the output or error file'},
    response: null,
  })

/**
 * Writes one line per input id, in input order: its output line, else its error line, else a `no_result` line.
 * Written through transfer/'s sink (temp file and rename, or stdout). Returns the ids with no result.
 */
export async function writeJoined(
  ids: string[],
  results: Map<string, string>,
  sink: Sink,
  options: Pick<FetchOptions, 'io' | 'signal'>,
): Promise<string[]> {
  const missing: string[] = []
  async function* lines() {
    let buffer = ''
    for (const id of ids) {
      const line = results.get(id)
      if (line === undefined) missing.push(id)
      buffer += (line ?? missingLine(id)) + '\n'
      if (buffer.length >= 1 << 16) {
        yield Buffer.from(buffer)
        buffer = ''
      }
    }
    if (buffer) yield Buffer.from(buffer)
  }
  const {Readable} = await import('node:stream')
  await saveResponse({body: Readable.from(lines()), headers: {get: () => null}}, sink, {
    io: options.io,
    signal: options.signal,
  })
  return missing
}

export {resolveSink}
