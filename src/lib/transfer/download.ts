import {closeSync, createWriteStream, fdatasync, fstatSync, fsync, openSync, rmSync, type WriteStream} from 'node:fs'
import {link, rename, rm, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'
import {Readable, Transform, Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {CliError, UsageError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
import {onInterrupt} from '../core/interrupt.js'
import {RawResponse} from '../http/raw-get.js'
import type {IO} from '../core/io.js'
import type {Progress} from '../ux/progress.js'

/**
 * Where a download goes, decided before any request so that a refusal costs nothing:
 * `-O PATH` a file (kept if it exists, unless --force); `-O -` stdout; no `-O` stdout when it is not a terminal.
 */
export type Sink = {kind: 'file'; path: string; force: boolean} | {kind: 'stdout'; sniffBinary: boolean}

export interface SinkOptions {
  /** The `-O` value. */
  out?: string
  force?: boolean
  io: IO
  /**
   * `true`: the content is binary (audio): never to a terminal, not even with `-O -`; refused before the request.
   * `false` (default): text is expected; on a terminal the first bytes are checked, and binary is refused then.
   */
  binary?: boolean
  /** Shown in the hint when stdout is a terminal and the content cannot go there, e.g. `-O speech.mp3`. */
  suggestedName?: string
}

const binaryHint = (name?: string, forceable = true) =>
  `Refusing to write binary data to the terminal: pass -O ${name ?? 'PATH'} ` +
  (forceable ? '(or redirect stdout, or -O - to force)' : '(or pipe or redirect stdout)')

/** Resolves `-O` and the terminal into a Sink, or throws a UsageError (exit 2) before any request. */
export async function resolveSink(options: SinkOptions): Promise<Sink> {
  const {io, out} = options
  if (out === undefined || out === '-') {
    // Content known to be binary (audio) has no use on a terminal, so `-O -` does not force it there: it is for pipes.
    if (io.stdout.isTTY && options.binary) throw new UsageError(binaryHint(options.suggestedName, false))
    return {kind: 'stdout', sniffBinary: Boolean(io.stdout.isTTY) && out !== '-'}
  }
  const path = resolve(out)
  if (!options.force) {
    const existing = await stat(path).catch(() => undefined)
    if (existing) throw new UsageError(`${out} already exists; pass --force to overwrite it`)
  }
  const parent = await stat(dirname(path)).catch(() => undefined)
  if (!parent?.isDirectory()) throw new UsageError(`${out}: directory ${dirname(out) || '.'} does not exist`)
  return {force: Boolean(options.force), kind: 'file', path}
}

/**
 * The request options of a download through groq-sdk (`client.files.content(id, {...DOWNLOAD, signal})`): the
 * transport reads the answer through one reused buffer (http/raw-get.ts), which saveResponse writes to its file
 * without a copy. groq-sdk passes `fetchOptions` to the transport's fetch as they are.
 */
export const DOWNLOAD = {fetchOptions: {download: true} as unknown as Record<string, never>} // not a RequestInit field

export interface SaveOptions {
  io: IO
  signal?: AbortSignal
  /** Fail (exit 6) when no byte arrives for this long; default 60 s (the run's timeout). */
  idleTimeoutMs?: number
  /** Draws a bytes bar with this label on a TTY. */
  progress?: {label: string; ux: Progress}
}

export interface Saved {
  bytes: number
  /** The file written, absent for stdout. */
  path?: string
}

interface ResponseLike {
  body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream | null
  headers: {get(name: string): null | string}
}

/** A byte looks binary when it is NUL or the text is not UTF-8 (what `grep` and `git` check too). */
export function looksBinary(chunk: Uint8Array): boolean {
  if (chunk.includes(0)) return true
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(chunk.subarray(0, Math.min(chunk.length, 8192)), {stream: true})
    return false
  } catch {
    return true
  }
}

class TransferError extends CliError {}

/**
 * Streams a response body to its sink. A file is written to a temp file beside the target (same directory, so
 * the rename is atomic), fsynced, then renamed into place; on any failure — the connection drops (exit 6), Ctrl-C
 * (130), the disk fills (1) — the temp file is removed and the target is untouched. Without --force an existing
 * target is never replaced, even one that appeared during the download (link(2) refuses to overwrite).
 */
export async function saveResponse(response: ResponseLike, sink: Sink, options: SaveOptions): Promise<Saved> {
  if (!response.body) throw new CliError('The response has no body')
  const encoded = response.headers.get('content-encoding')
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  // A decoded (gzip/br) body is longer than its Content-Length: only an identity body can be checked against it.
  const expected = !encoded || encoded === 'identity' ? declared : Number.NaN
  const bar = options.progress
    ? await options.progress.ux.bytes(options.progress.label, expected || undefined)
    : undefined

  let received = 0
  let sniffed = sink.kind === 'file' || !sink.sniffBinary
  const idleMs = options.idleTimeoutMs ?? 60_000
  const stalled = () =>
    new TransferError(`No data for ${Math.round(idleMs / 1000)} s: download stalled`, ExitCode.network)
  const body = response.body
  const source = body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>)
  const idleTimer = setTimeout(() => {
    source.destroy(stalled())
    // The tap is in the pipeline only for stdout; destroyed with no listener, its error would go unhandled.
    if (sink.kind === 'stdout') tap.destroy(stalled())
  }, idleMs)
  idleTimer.unref()
  const count = (length: number) => {
    received += length
    bar?.update(received)
    idleTimer.refresh()
  }
  // Stdout may need the first bytes checked before they are written; a file is counted as it streams (one stage
  // less per chunk: saveToFile).
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!sniffed) {
        sniffed = true
        if (looksBinary(chunk)) {
          done(new UsageError(binaryHint()))
          return
        }
      }
      count(chunk.length)
      done(null, chunk)
    },
  })

  try {
    if (sink.kind === 'stdout') {
      // Stdout redirected to a file (`> out.jsonl`) takes a raw answer as -O does, from the read buffer; a terminal
      // (the first bytes are checked), a pipe or another stream takes copies through the pipeline.
      const fd = sink.sniffBinary ? undefined : regularFileDescriptor(options.io.stdout)
      if (fd !== undefined && source instanceof RawResponse && source.unread) {
        await writeRawBody(source, fd, count, options.signal)
      } else await pipeline(source, tap, forwardTo(options.io.stdout), {signal: options.signal})
      checkLength(received, expected)
      return {bytes: received}
    }
    return await saveToFile(
      source,
      count,
      sink,
      () => {
        checkLength(received, expected)
        return received
      },
      options.signal,
    )
  } catch (error) {
    throw classify(error, received, sink)
  } finally {
    clearTimeout(idleTimer)
    bar?.stop()
  }
}

async function saveToFile(
  source: Readable,
  count: (length: number) => void,
  sink: {force: boolean; path: string},
  finish: () => number,
  signal: AbortSignal | undefined,
): Promise<Saved> {
  const {randomBytes} = await import('node:crypto')
  const temp = join(dirname(sink.path), `.${basename(sink.path)}.${randomBytes(6).toString('hex')}.part`)
  // Ctrl-C exits at once (core/interrupt.ts): the temp file goes with it, synchronously.
  const forget = onInterrupt(() => rmSync(temp, {force: true}))
  if (source instanceof RawResponse && source.unread) {
    try {
      return await saveRawToFile(source, temp, count, sink, finish, signal)
    } finally {
      forget()
    }
  }
  // A 1 MiB write buffer: the socket keeps being read while a write is in flight, and buffered chunks go out in
  // one writev (the 16 KiB default waited on each 64 KiB write; ~30% slower at 512 MB). The descriptor stays open
  // after the last write (autoClose off) for the fsync.
  const file = createWriteStream(temp, {autoClose: false, flags: 'wx', highWaterMark: 1 << 20, mode: 0o644})
  const syncing = new BackgroundSync(() => ({fd: descriptor(file), written: file.bytesWritten}))
  source.on('data', (chunk: Buffer) => {
    count(chunk.length)
    syncing.poll()
  })
  try {
    await pipeline(source, file, {signal})
    return await complete(descriptor(file) as number, syncing, finish, temp, sink)
  } finally {
    forget()
    await syncing.settled()
    // destroy() closes the descriptor once no write is in flight (also after a failed pipeline, which began it).
    if (!file.closed) await new Promise<void>((closed) => file.once('close', () => closed()).destroy())
    await rm(temp, {force: true})
  }
}

/**
 * A raw answer (http/raw-get.ts) written straight from its read buffer to the temp file, one write(2) per read as
 * curl does: no stream, no copy, no buffer per read (bench/transfer.mjs). Same guarantees as the stream path:
 * flushed in the background, fsynced, then put in place; any failure removes the temp file.
 */
async function saveRawToFile(
  body: RawResponse,
  temp: string,
  count: (length: number) => void,
  sink: {force: boolean; path: string},
  finish: () => number,
  signal: AbortSignal | undefined,
): Promise<Saved> {
  const fd = openSync(temp, 'wx', 0o644)
  let written = 0
  const syncing = new BackgroundSync(() => ({fd, written}))
  try {
    await writeRawBody(
      body,
      fd,
      (length) => {
        written += length
        count(length)
        syncing.poll()
      },
      signal,
    )
    return await complete(fd, syncing, finish, temp, sink)
  } finally {
    await syncing.settled()
    closeSync(fd)
    await rm(temp, {force: true})
  }
}

/** A raw answer's body written to `fd` as it arrives; Ctrl-C (the signal) ends it as it ends a pipeline. */
async function writeRawBody(
  body: RawResponse,
  fd: number,
  onBytes: (length: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const onAbort = () => body.destroy(new DOMException('This operation was aborted', 'AbortError'))
  signal?.addEventListener('abort', onAbort, {once: true})
  try {
    if (signal?.aborted) onAbort()
    await body.writeBodyTo(fd, onBytes)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * The descriptor behind a stream that writes synchronously to a regular file (process.stdout redirected to a file
 * is one, a SyncWriteStream), else undefined: a pipe, a terminal or any other stream keeps its own writes.
 */
function regularFileDescriptor(stream: NodeJS.WritableStream): number | undefined {
  const fd = (stream as {fd?: unknown}).fd
  if (typeof fd !== 'number' || (stream as {writableLength?: number}).writableLength) return undefined
  try {
    return fstatSync(fd).isFile() ? fd : undefined
  } catch {
    return undefined
  }
}

/** The whole body is in the temp file: its length checked (`finish`), flushed to disk, then put in place. */
async function complete(
  fd: number,
  syncing: BackgroundSync,
  finish: () => number,
  temp: string,
  sink: {force: boolean; path: string},
): Promise<Saved> {
  const bytes = finish()
  await syncing.settled()
  await fdCall(fsync, fd)
  await commit(temp, sink)
  return {bytes, path: sink.path}
}

/** A WriteStream's descriptor once open (Node has it; @types/node does not declare it). */
const descriptor = (file: WriteStream) => (file as unknown as {fd: null | number}).fd

const fdCall = (call: (fd: number, done: (error: Error | null) => void) => void, fd: number) =>
  new Promise<void>((resolve, reject) => call(fd, (error) => (error ? reject(error) : resolve())))

/**
 * Flushes a download to disk while it is still arriving (fdatasync every 64 MiB written, one at a time, on libuv's
 * pool beside the writes), so the fsync before the rename has only the tail left: at 1 GiB it took ~0.7 s at the
 * end. An error here is ignored: the final fsync reports the disk's state.
 */
class BackgroundSync {
  private static readonly every = 64 << 20
  private syncedAt = 0
  private inFlight: Promise<void> | undefined

  /** `position()`: the file's descriptor (null until open) and the bytes written to it so far. */
  constructor(private readonly position: () => {fd: null | number; written: number}) {}

  poll(): void {
    const {fd, written} = this.position()
    if (this.inFlight || typeof fd !== 'number' || written - this.syncedAt < BackgroundSync.every) return
    this.syncedAt = written
    this.inFlight = fdCall(fdatasync, fd)
      .catch(() => {})
      .finally(() => (this.inFlight = undefined))
  }

  async settled(): Promise<void> {
    await this.inFlight
  }
}

/** Puts the temp file in place: rename with --force; else link(2), which fails rather than replace a file. */
async function commit(temp: string, sink: {force: boolean; path: string}): Promise<void> {
  if (sink.force) {
    await rename(temp, sink.path)
    return
  }
  try {
    await link(temp, sink.path)
    await unlink(temp)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new UsageError(`${sink.path} already exists; pass --force to overwrite it`)
    // A file system without hard links: check, then rename (a tiny window, where link had none).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      if (await stat(sink.path).catch(() => undefined)) {
        throw new UsageError(`${sink.path} already exists; pass --force to overwrite it`)
      }
      await rename(temp, sink.path)
      return
    }
    throw error
  }
}

function checkLength(received: number, expected: number): void {
  if (Number.isFinite(expected) && received !== expected) {
    throw new TransferError(
      `Download incomplete: got ${received} of ${expected} bytes (connection closed early)`,
      ExitCode.network,
    )
  }
}

/**
 * A whole response body in memory (a text answer a command prints itself), read with a download's guarantees: the
 * idle timeout (exit 6), Content-Length checked, Ctrl-C (130).
 */
export async function readResponse(
  response: ResponseLike,
  options: Pick<SaveOptions, 'idleTimeoutMs' | 'io' | 'signal'>,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk)
      done()
    },
  })
  await saveResponse(response, {kind: 'stdout', sniffBinary: false}, {...options, io: {...options.io, stdout: memory}})
  return Buffer.concat(chunks)
}

/** Errors mid-transfer: the network (6), the disk (1), Ctrl-C (130); the message says which and where. */
function classify(error: unknown, received: number, sink: Sink): unknown {
  if (error instanceof CliError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const name = (error as Error | undefined)?.name
  if (name === 'AbortError' || code === 'ABORT_ERR') return new CliError('Interrupted', ExitCode.interrupted)
  const where = sink.kind === 'file' ? sink.path : 'stdout'
  if (code === 'ENOSPC' || code === 'EDQUOT') return new CliError(`Cannot write ${where}: no space left on device`)
  if (code === 'EACCES' || code === 'EROFS' || code === 'EISDIR') {
    return new CliError(`Cannot write ${where}: ${(error as Error).message}`)
  }
  if (code === 'EPIPE') return error
  // The response stream failed: reset, aborted, closed early.
  return new TransferError(
    `Download interrupted after ${received} bytes: ${(error as Error)?.message ?? String(error)}${code ? ` (${code})` : ''}`,
    ExitCode.network,
  )
}

/** A Writable that passes chunks to stdout with backpressure and never ends it (more may be written after). */
function forwardTo(target: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (target.write(chunk)) done()
      else target.once('drain', () => done())
    },
  })
}
