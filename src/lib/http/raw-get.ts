import {EventEmitter} from 'node:events'
import {writeSync} from 'node:fs'
import {createRequire} from 'node:module'
import type {Socket} from 'node:net'
import {Readable} from 'node:stream'

/**
 * A GET whose answer is read through one reused buffer: the socket's `onread` option (net and tls alike) instead of
 * Node's http client, which allocates a fresh buffer for every socket read. At 1 GiB that allocation, its page
 * faults and its garbage were most of a download's CPU: Node's own http + fs pipeline took twice curl's time here
 * (bench/transfer.mjs, bench/PERF.md). It speaks just enough HTTP/1.1 for one GET on a connection of its own
 * (`Connection: close`): the status line, headers, and a body framed by Content-Length, chunked, or the close.
 *
 * The transport (transport.ts `download`) hands it only a plain GET with no proxy and no interceptor of node:http.
 * What it answers is shaped as an IncomingMessage (a Readable of copies of what arrives), so every status,
 * redirect, retry, decoding and error path stays the transport's; `writeBodyTo(fd)` instead writes the body from
 * the buffer to a file descriptor as it arrives (transfer/download.ts), with no copy and no stream between.
 */

const BUFFER_SIZE = 1 << 20
/** A response head larger than this is refused (Node's http client allows 16 KiB by default). */
const MAX_HEAD = 64 * 1024

const requireBuiltin = createRequire(import.meta.url)

/** Whether node:http is Node's own: an interceptor (nock, an APM agent replacing ClientRequest) sees every request. */
export function httpIsNodesOwn(): boolean {
  const http = requireBuiltin('node:http') as typeof import('node:http')
  const client = requireBuiltin('_http_client') as {ClientRequest: unknown}
  return http.ClientRequest === client.ClientRequest
}

/** Every raw connection still open, so that closeConnections() ends them with the agents' (transport.ts). */
export const rawSockets = new Set<Socket>()

class BadAnswerError extends Error {
  code = 'HPE_INVALID'
}

type Framing = {kind: 'chunked'} | {kind: 'close'} | {kind: 'length'; remaining: number} | {kind: 'none'}

/** Request headers as the wire has them; a name or value Node's http client would refuse is refused (CR, LF, ...). */
function requestHead(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`]
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'host' || name === 'connection') continue
    if (!/^[!#$%&'*+.^`|~\w-]+$/.test(name) || /[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new TypeError(`Invalid character in header "${name}"`)
    }
    lines.push(`${name}: ${value}`)
  }
  lines.push('connection: close', '', '')
  return lines.join('\r\n')
}

/**
 * The answer to a raw GET. As a Readable it gives copies of the body (decoded from its framing); `writeBodyTo` gives
 * the body to a file descriptor instead. Either way it reads nothing past the head until its reader chooses.
 */
export class RawResponse extends Readable {
  complete = false
  headers: Record<string, string> = {}
  rawHeaders: string[] = []
  statusCode = 0
  statusMessage = ''

  private framing: Framing = {kind: 'none'}
  /** Chunked: where the decoder is (size line, data, the CRLF after data, trailers). */
  private chunk = {line: '', remaining: 0, state: 'size' as 'crlf' | 'data' | 'size' | 'trailer'}
  /** Body bytes that arrived with the head, before a reader chose how to read. */
  private early: Buffer | undefined
  private sink: ((data: Buffer, start: number, end: number) => void) | undefined
  private onProgress: (() => void)[] = []
  private settle: {reject(error: Error): void; resolve(): void} | undefined
  private closedEarly = false
  /** Why the body failed, for a reader that comes after. */
  private failure: Error | undefined

  constructor(readonly socket: Socket) {
    super({highWaterMark: BUFFER_SIZE})
  }

  /** Called for every piece of the body that arrives, in either way of reading (the transport's idle timeout). */
  watch(progress: () => void): void {
    this.onProgress.push(progress)
  }

  /** Whether writeBodyTo may still be used: nothing of the body read yet (it may have failed meanwhile). */
  get unread(): boolean {
    return this.sink === undefined && !this.readableDidRead && this.readableLength === 0
  }

  /**
   * Writes the body to `fd` as it arrives, synchronously from the read buffer (a write to a file lands in the page
   * cache; a failing write, a full disk, ends the transfer with its error). `onBytes` is told each piece's length.
   * Resolves when the body is complete.
   */
  writeBodyTo(fd: number, onBytes: (length: number) => void): Promise<void> {
    if (!this.unread) return Promise.reject(new Error('The body is already being read'))
    if (this.destroyed) return Promise.reject(this.failure ?? abortedError())
    return new Promise<void>((resolve, reject) => {
      this.settle = {reject, resolve}
      this.sink = (data, start, end) => {
        for (let offset = start; offset < end;) offset += writeSync(fd, data, offset, end - offset)
        onBytes(end - start)
      }
      if (this.complete) return this.finish()
      this.drainEarly()
      if (!this.destroyed && !this.complete) this.socket.resume()
    })
  }

  override _read(): void {
    if (this.sink === undefined) {
      this.sink = (data, start, end) => {
        if (!this.push(Buffer.from(data.subarray(start, end)))) this.socket.pause()
      }
      this.drainEarly()
      if (this.complete) return void this.finish()
    }
    if (!this.complete && !this.destroyed) this.socket.resume()
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.socket.destroy()
    if (!this.complete) {
      this.failure = error ?? abortedError()
      this.settle?.reject(this.failure)
    }
    // As IncomingMessage: the error is emitted only to a listener (a body cut before anyone reads it is no crash;
    // its reader learns of it on reading).
    done(this.listenerCount('error') > 0 ? error : null)
  }

  /** Sets how the body is framed, from the head; `early`: body bytes that came with it. */
  begin(framing: Framing, early: Buffer | undefined): void {
    this.framing = framing
    if (framing.kind === 'none' || (framing.kind === 'length' && framing.remaining === 0)) this.complete = true
    else if (early && early.length > 0) this.body(early, 0, early.length)
  }

  /** Body bytes from the socket: decoded from the framing and given to the reader (or kept until there is one). */
  body(data: Buffer, start: number, end: number): void {
    if (this.sink === undefined) {
      // No reader yet: keep a copy and stop reading until one comes.
      const piece = data.subarray(start, end)
      this.early = this.early ? Buffer.concat([this.early, piece]) : Buffer.from(piece)
      this.socket.pause()
      return
    }
    const {framing} = this
    if (framing.kind === 'length') {
      const take = Math.min(end - start, framing.remaining)
      if (take > 0) this.deliver(data, start, start + take)
      framing.remaining -= take
      if (framing.remaining === 0) this.finish()
    } else if (framing.kind === 'chunked') this.unchunk(data, start, end)
    else if (end > start) this.deliver(data, start, end)
  }

  /** The connection ended (or closed): complete for a body framed by the close, else cut short. */
  ended(): void {
    if (this.complete || this.destroyed || this.closedEarly) return
    if (this.framing.kind !== 'close') this.destroy(abortedError())
    else if (this.sink !== undefined) this.finish()
    // Framed by the close, before its reader came: complete once the kept bytes are read (drainEarly).
    else this.closedEarly = true
  }

  private drainEarly(): void {
    const early = this.early
    this.early = undefined
    if (early) this.body(early, 0, early.length)
    if (this.closedEarly && !this.complete) this.finish()
  }

  private deliver(data: Buffer, start: number, end: number): void {
    for (const progress of this.onProgress) progress()
    try {
      this.sink!(data, start, end)
    } catch (error) {
      this.destroy(error as Error)
    }
  }

  private finish(): void {
    if (this.destroyed) return
    this.complete = true
    this.socket.destroy()
    rawSockets.delete(this.socket)
    if (this.settle) {
      this.settle.resolve()
      // Written elsewhere, this stream ends unread: closed now, so what watches it (the transport's timer and abort
      // listener) lets go.
      this.destroy()
    } else this.push(null)
  }

  /** Chunked transfer coding (RFC 9112 7.1): sizes in hex, data, CRLF; a zero size, trailers, an empty line. */
  private unchunk(data: Buffer, start: number, end: number): void {
    const state = this.chunk
    let at = start
    while (at < end && !this.complete && !this.destroyed) {
      if (state.state === 'data') {
        const take = Math.min(end - at, state.remaining)
        this.deliver(data, at, at + take)
        at += take
        state.remaining -= take
        if (state.remaining === 0) state.state = 'crlf'
        continue
      }
      // Searched within this read only: past `end` the reused buffer holds an earlier read's bytes.
      const found = data.subarray(at, end).indexOf(10)
      const stop = found === -1 ? end : at + found
      state.line += data.toString('latin1', at, stop)
      if (state.line.length > 4096) return void this.destroy(new BadAnswerError('Malformed chunked answer'))
      if (found === -1) break
      at = stop + 1 // past the LF
      const line = state.line.endsWith('\r') ? state.line.slice(0, -1) : state.line
      state.line = ''
      if (state.state === 'crlf') {
        if (line !== '') return void this.destroy(new BadAnswerError('Malformed chunked answer'))
        state.state = 'size'
      } else if (state.state === 'size') {
        const size = /^([\da-f]+)[\t ]*(;.*)?$/i.exec(line)
        if (!size || size[1].length > 12) return void this.destroy(new BadAnswerError('Malformed chunked answer'))
        state.remaining = Number.parseInt(size[1], 16)
        state.state = state.remaining === 0 ? 'trailer' : 'data'
      } else if (line === '') this.finish() // the empty line after the trailers
    }
  }
}

const abortedError = () => Object.assign(new Error('aborted'), {code: 'ECONNRESET'})

/** Status line and headers of a head (the text before the blank line). */
function parseHead(text: string, response: RawResponse): void {
  const [statusLine, ...lines] = text.split('\r\n')
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine)
  if (!status) throw new BadAnswerError('Malformed answer: not HTTP/1.1')
  response.statusCode = Number(status[1])
  response.statusMessage = status[2] ?? ''
  response.headers = {}
  response.rawHeaders = []
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new BadAnswerError('Malformed answer: bad header line')
    const name = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    response.rawHeaders.push(name, value)
    const key = name.toLowerCase()
    response.headers[key] = key in response.headers ? `${response.headers[key]}, ${value}` : value
  }
}

function framingOf(response: RawResponse): Framing {
  const {headers, statusCode} = response
  if (statusCode === 204 || statusCode === 304) return {kind: 'none'}
  const coding = headers['transfer-encoding']
  if (coding !== undefined) {
    if (/(?:^|,)\s*chunked\s*$/i.test(coding)) return {kind: 'chunked'}
    return {kind: 'close'}
  }
  const length = headers['content-length']
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new BadAnswerError('Malformed answer: bad Content-Length')
    return {kind: 'length', remaining: Number(length)}
  }
  return {kind: 'close'}
}

/**
 * What the transport calls instead of http.request for a download: emits 'response' with a RawResponse, or 'error'.
 * `destroy(error)` ends it at any point; `end()` sends nothing more (a GET has no body).
 */
export class RawRequest extends EventEmitter {
  private readonly socket: Socket
  private response: RawResponse | undefined
  /** What has arrived of the head so far. */
  private head = Buffer.alloc(0)
  private failed = false

  constructor(url: URL, headers: Record<string, string>) {
    super()
    const text = requestHead(url, headers)
    const https = url.protocol === 'https:'
    const port = Number(url.port) || (https ? 443 : 80)
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
    const onread = {
      buffer: Buffer.allocUnsafe(BUFFER_SIZE),
      callback: (length: number, buffer: Buffer): boolean => {
        if (this.response) this.response.body(buffer, 0, length)
        else this.headPart(buffer.subarray(0, length))
        // Reading goes on unless a part above paused the socket (no reader yet, or a reader that is full).
        return true
      },
    }
    const net = requireBuiltin('node:net') as typeof import('node:net')
    const socket: Socket = https
      ? (requireBuiltin('node:tls') as typeof import('node:tls')).connect({
          ALPNProtocols: ['http/1.1'],
          host,
          onread,
          port,
          servername: net.isIP(host) ? undefined : host,
        } as import('node:tls').ConnectionOptions)
      : net.connect({host, onread, port})
    this.socket = socket
    rawSockets.add(socket)
    socket.setNoDelay(true)
    socket.on('error', (error) => this.fail(error))
    const closed = () => {
      if (this.response) this.response.ended()
      else this.fail(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))
    }
    socket.on('end', closed)
    socket.on('close', () => {
      rawSockets.delete(socket)
      closed()
    })
    socket.write(text, 'latin1')
  }

  /** Bytes before the head is complete: kept until the blank line; then the head is read and the rest is body. */
  private headPart(bytes: Buffer): void {
    const before = this.head.length
    this.head = Buffer.concat([this.head, bytes])
    // The blank line may straddle two reads: search from a little before this read's bytes.
    let from = Math.max(0, before - 3)
    for (;;) {
      const blank = this.head.indexOf('\r\n\r\n', from, 'latin1')
      if (blank === -1) {
        if (this.head.length > MAX_HEAD) this.fail(new BadAnswerError('Malformed answer: head too large'))
        return
      }
      const response = new RawResponse(this.socket)
      let framing: Framing
      try {
        parseHead(this.head.toString('latin1', 0, blank), response)
        framing = framingOf(response)
      } catch (error) {
        this.fail(error as Error)
        return
      }
      const rest = this.head.subarray(blank + 4)
      // An interim answer (1xx) comes before the real one.
      if (response.statusCode < 200) {
        this.head = Buffer.from(rest)
        from = 0
        continue
      }
      this.head = Buffer.alloc(0)
      this.response = response
      // Nothing more is read until the transport's reader chooses how (RawResponse).
      this.socket.pause()
      response.begin(framing, rest.length > 0 ? Buffer.from(rest) : undefined)
      this.emit('response', response)
      return
    }
  }

  private fail(error: Error): void {
    if (this.response) {
      if (!this.response.destroyed && !this.response.complete) this.response.destroy(error)
      return
    }
    this.socket.destroy()
    if (this.failed) return
    this.failed = true
    this.emit('error', error)
  }

  destroy(error?: Error): this {
    if (this.response) this.response.destroy(error)
    else this.fail(error ?? abortedError())
    this.socket.destroy()
    return this
  }

  end(): this {
    return this
  }
}
