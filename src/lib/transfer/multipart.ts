import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {basename, extname} from 'node:path'

import type {Writable} from 'node:stream'

import {CliError, UsageError} from '../core/errors.js'
import {type BodyWriter, WRITE_BODY} from '../http/transport.js'

/**
 * A multipart/form-data body assembled as a stream: for each part a small header, then the field's text or the
 * file's bytes read from disk as they are sent, then the closing boundary. The length is computed up front from
 * the file sizes, so the request carries a `Content-Length` and is never chunked (some servers refuse chunked
 * multipart), and the file is never held in memory (groq-sdk's own upload helper reads it whole into a Blob).
 */

export interface FieldPart {
  name: string
  value: string
}

export interface FilePart {
  name: string
  path: string
  /** The filename the server sees (default: the path's basename). */
  filename?: string
  /** Default: from the extension (contentTypeFor), else application/octet-stream. */
  contentType?: string
}

export type Part = FieldPart | FilePart

export interface MultipartBody {
  /**
   * The bytes to send. Iterable more than once: each iteration reads the files afresh, so a request groq-sdk
   * retries (429, 5xx, a dropped connection) sends the whole body again.
   */
  body: AsyncIterable<Uint8Array> & BodyWriter
  contentType: string
  contentLength: number
  /** The bytes of file content in the body (what a progress bar counts). */
  fileBytes: number
}

export interface MultipartOptions {
  /** Called as file bytes are read for sending, with the total so far in this attempt. */
  onProgress?: (fileBytesSent: number) => void
  /** For tests; default: random. */
  boundary?: string
}

const CONTENT_TYPES: Record<string, string> = {
  '.flac': 'audio/flac',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.m4a': 'audio/mp4',
  '.mp3': 'audio/mpeg',
  '.mp4': 'audio/mp4',
  '.mpeg': 'audio/mpeg',
  '.mpga': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.txt': 'text/plain',
  '.wav': 'audio/wav',
  '.webm': 'audio/webm',
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** Quotes a header parameter as browsers do for form data (", CR and LF escaped). */
const quoted = (value: string) => `"${value.replaceAll('"', '%22').replaceAll('\r', '%0D').replaceAll('\n', '%0A')}"`

/** The size of a regular file, or a UsageError naming it (missing, a directory, unreadable). */
export async function fileSize(path: string): Promise<number> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new UsageError(`${path}: ${why}`)
  }
  if (!info.isFile()) throw new UsageError(`${path}: not a regular file`)
  return info.size
}

const READ_CHUNK = 256 * 1024
/**
 * A file written to a request goes through POOL buffers of SEND_CHUNK (4 MiB on its way at most), each reused once
 * the socket took it; 1 MiB reads sent a 1 GiB file ~20% faster than 256 KiB ones, 64 KiB ones took twice as long.
 */
const SEND_CHUNK = 1024 * 1024
const POOL = 4

type FileSegment = {path: string; size: number}

const changedSize = (segment: FileSegment, read: number) =>
  new CliError(`${segment.path} changed size while it was being uploaded (${segment.size} bytes, now ${read})`)

/**
 * Writes a file's bytes to a request through a few buffers it reuses, each once its write callback says the socket
 * has it: no fresh memory per chunk (reading into new buffers made a 1 GiB upload fault in every page and cost
 * twice the CPU). Resolves when every byte was handed over; a failed write stops the reading.
 */
async function sendFile(
  request: Writable,
  segment: FileSegment,
  onRead: (bytes: number) => void,
  onWritten: () => void,
): Promise<void> {
  const handle = await open(segment.path, 'r')
  const free: Buffer[] = Array.from({length: POOL}, () => Buffer.allocUnsafeSlow(SEND_CHUNK))
  let wake: (() => void) | undefined
  let failed: Error | undefined
  try {
    for (let read = 0; ;) {
      while (free.length === 0 && !failed) await new Promise<void>((resolve) => (wake = resolve))
      if (failed) throw failed
      const buffer = free.pop() as Buffer
      const {bytesRead} = await handle.read(buffer, 0, SEND_CHUNK, read)
      // The length was promised in Content-Length: a file that grows or shrinks meanwhile cannot be sent.
      if (bytesRead === 0) {
        if (read !== segment.size) throw changedSize(segment, read)
        return
      }
      read += bytesRead
      if (read > segment.size) throw changedSize(segment, read)
      onRead(bytesRead)
      request.write(bytesRead === SEND_CHUNK ? buffer : buffer.subarray(0, bytesRead), (error) => {
        if (error) failed ??= error
        else onWritten()
        free.push(buffer)
        wake?.()
      })
    }
  } finally {
    await handle.close()
  }
}

/** Builds the body; stats every file now (a missing file is a usage error before any request). */
export async function multipartBody(parts: Part[], options: MultipartOptions = {}): Promise<MultipartBody> {
  const boundary = options.boundary ?? `----groq-cli-${(await import('node:crypto')).randomBytes(12).toString('hex')}`
  const segments: Array<{bytes: Buffer} | {path: string; size: number}> = []
  let fileBytes = 0
  for (const part of parts) {
    if ('value' in part) {
      segments.push({
        bytes: Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}\r\n\r\n${part.value}\r\n`,
        ),
      })
      continue
    }
    const size = await fileSize(part.path)
    const filename = part.filename ?? basename(part.path)
    const type = part.contentType ?? contentTypeFor(part.path)
    segments.push({
      bytes: Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}; filename=${quoted(filename)}\r\n` +
          `Content-Type: ${type}\r\n\r\n`,
      ),
    })
    segments.push({path: part.path, size})
    segments.push({bytes: Buffer.from('\r\n')})
    fileBytes += size
  }
  segments.push({bytes: Buffer.from(`--${boundary}--\r\n`)})
  const contentLength = segments.reduce(
    (sum, segment) => sum + ('bytes' in segment ? segment.bytes.length : segment.size),
    0,
  )

  async function* generate(): AsyncGenerator<Uint8Array> {
    let sent = 0
    for (const segment of segments) {
      if ('bytes' in segment) {
        yield segment.bytes
        continue
      }
      let read = 0
      for await (const chunk of createReadStream(segment.path, {highWaterMark: READ_CHUNK})) {
        read += (chunk as Buffer).length
        // The length was promised in Content-Length: a file that grows or shrinks meanwhile cannot be sent.
        if (read > segment.size) break
        sent += (chunk as Buffer).length
        options.onProgress?.(sent)
        yield chunk as Buffer
      }
      if (read !== segment.size) throw changedSize(segment, read)
    }
  }

  async function writeTo(request: Writable, onWritten: () => void): Promise<void> {
    let sent = 0
    for (const segment of segments) {
      if ('bytes' in segment) request.write(segment.bytes)
      else {
        await sendFile(request, segment, (bytes) => options.onProgress?.((sent += bytes)), onWritten)
      }
    }
  }

  return {
    body: {[Symbol.asyncIterator]: generate, [WRITE_BODY]: writeTo},
    contentLength,
    contentType: `multipart/form-data; boundary=${boundary}`,
    fileBytes,
  }
}
