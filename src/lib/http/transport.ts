import type {Agent, ClientRequest, IncomingMessage} from 'node:http'
import {createRequire} from 'node:module'
import {Readable} from 'node:stream'

import {BadResponseError, describeBody, redactURL, TimeoutError} from '../core/errors.js'
import {rememberRateLimits} from '../core/rate-limits.js'
import {httpIsNodesOwn, RawRequest, RawResponse, rawSockets} from './raw-get.js'

/**
 * The HTTP transport: a minimal fetch on node:http(s), handed to groq-sdk as its `fetch` (wrapped in the retry
 * layer, src/lib/http/retry.ts) and usable directly by commands that stream bytes (downloads, speech, `groq api`).
 *
 * Why not Node 20's global fetch: it loads its bundled undici on first use (more than the whole request costs)
 * and delivers bodies as WHATWG streams, whose per-read cost dominated the CPU time of a chat stream. Here the
 * response body is a Node Readable: the IncomingMessage itself, or the decoder over it for a gzip/br/deflate
 * body. What it does as fetch does: follows redirects (at most 20; 303, and 301/302 after a POST, become a GET
 * without body; Authorization is dropped when the origin changes), decodes `Content-Encoding` (gzip, deflate,
 * br), reports `redirected` and the final `url`.
 *
 * What it adds:
 * - A timeout that means "no byte moved for this long": before the answer starts (upload progress counts) and
 *   while the body is read (time the reader spends not reading does not count), so a slow upload or a long
 *   download never times out while it moves, and a stalled server always does. Exit 6 (TimeoutError).
 * - A body dropped unread is freed: groq-sdk discards a response it will retry with
 *   `body[Symbol.asyncIterator]().return()`, which on a Node stream not yet read does nothing (an async
 *   generator never started runs no `finally`): the socket stayed checked out of the keep-alive agent, and
 *   the process lived until the server closed the idle connection (issue 9, item 1). Here that call drains or
 *   destroys the body; `closeConnections()` ends every socket when a command is done, whatever was left.
 * - `expect: 'json'` (set by client.ts for groq-sdk's JSON requests): a 2xx body that is not a JSON object,
 *   or is cut short, fails with one line naming status, content type, the first characters and the request id.
 *
 * Proxies: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, through the kept `proxy-agent` library,
 * loaded only when one of those variables is set.
 */
/** The Headers class responses are given in: groq-sdk's (see TransportOptions). */
export type HeadersClass = new () => {append(name: string, value: string): void; get(name: string): null | string}

export interface NodeResponse {
  /** The body as it arrives (decoded when the server compressed it); read it once. */
  body: Readable
  readonly bodyUsed: boolean
  headers: InstanceType<HeadersClass>
  ok: boolean
  redirected: boolean
  status: number
  statusText: string
  url: string
  arrayBuffer(): Promise<ArrayBuffer>
  json(): Promise<unknown>
  text(): Promise<string>
}

/**
 * A request body that can be sent again (a retry, a 307 redirect): `open()` gives a fresh stream each time.
 * With `length`, the request carries a Content-Length instead of being chunked. Make one with `replayableBody()`.
 */
export interface ReplayableBody {
  readonly [REPLAYABLE]: true
  contentType?: string
  length?: number
  open(): Readable
}

const REPLAYABLE = Symbol.for('groq-cli.replayable-body')

/**
 * A re-iterable body may also write itself to the request (`body[WRITE_BODY](request, onChunk)`), resolving once
 * all is written: it then knows when the socket is done with each chunk (write callbacks) and can reuse its
 * buffers, which an iterator cannot (transfer/multipart.ts: a 1 GiB upload took half the CPU that way, no fresh
 * memory per chunk). The transport ends the request after it; a rejection destroys the request.
 */
export const WRITE_BODY = Symbol.for('groq-cli.write-body')

export interface BodyWriter {
  [WRITE_BODY](request: import('node:stream').Writable, onChunk: () => void): Promise<void>
}

const canWriteItself = (body: unknown): body is BodyWriter =>
  typeof (body as Partial<BodyWriter>)[WRITE_BODY] === 'function'

/** A body the transport may send more than once: e.g. `replayableBody(() => createReadStream(path), {length})`. */
export function replayableBody(
  open: () => Readable,
  options: {contentType?: string; length?: number} = {},
): ReplayableBody {
  return {[REPLAYABLE]: true, contentType: options.contentType, length: options.length, open}
}

export interface FetchInit {
  body?: unknown
  headers?: unknown
  method?: string
  signal?: AbortSignal | null
  /** As fetch: 'follow' (default), 'manual' (the 3xx is the answer) or 'error'. */
  redirect?: 'error' | 'follow' | 'manual'
  /** 'json': a 2xx body must be a JSON object (groq-sdk's JSON endpoints); see the header comment. */
  expect?: 'json'
  /** Retries for this request (the retry layer's; groq-sdk passes it through `fetchOptions`). */
  maxRetries?: number
  /** This request's timeout, instead of the transport's. */
  timeoutMs?: number
  /**
   * The body is a download (a file's content): a GET with no proxy and no interceptor of node:http is then read
   * through one reused buffer (raw-get.ts), which transfer/download.ts writes to its file without a copy.
   */
  download?: boolean
}

export type NodeFetch = (input: string | URL | {url: string}, init?: FetchInit) => Promise<NodeResponse>

type Requester = typeof import('node:http').request

const PROXY_VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined
}

/** Whether NO_PROXY exempts this host (curl's rules: comma list, `*`, suffix match, optional port). */
export function bypassesProxy(url: URL, env: NodeJS.ProcessEnv): boolean {
  const noProxy = envValue(env, 'no_proxy')
  if (!noProxy) return false
  if (noProxy.trim() === '*') return true
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      const match = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase())
      if (!match) return false
      const [, rawHost, entryPort] = match
      if (entryPort && entryPort !== port) return false
      const suffix = rawHost.replace(/^\*?\./, '')
      return host === suffix || host.endsWith(`.${suffix}`)
    })
}

/** The proxy URL for a request, from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY. */
export function proxyFor(target: string, env: NodeJS.ProcessEnv): string | undefined {
  const url = new URL(target)
  if (bypassesProxy(url, env)) return undefined
  const scheme = url.protocol === 'https:' ? 'https_proxy' : 'http_proxy'
  return envValue(env, scheme) ?? envValue(env, 'all_proxy')
}

interface Transport {
  agent: Agent
  request: Requester
}

const abortError = () => new DOMException('This operation was aborted', 'AbortError')

function headerRecord(headers: unknown): Record<string, string> {
  const record: Record<string, string> = {}
  if (!headers) return record
  if (typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)) {
    ;(headers as Headers).forEach((value, name) => {
      record[name.toLowerCase()] = value
    })
    return record
  }
  const entries = Array.isArray(headers)
    ? (headers as [string, string][])
    : Object.entries(headers as Record<string, string>)
  for (const [name, value] of entries)
    if (value !== undefined && value !== null) record[name.toLowerCase()] = String(value)
  return record
}

type Payload = {bytes: Buffer | string} | {stream: Readable} | {writer: BodyWriter} | undefined

interface BodySource {
  /** A fresh payload for one attempt; throws when a one-shot stream was already sent. */
  open(headers: Record<string, string>): Payload
  replayable: boolean
}

const isReplayableBody = (body: unknown): body is ReplayableBody =>
  typeof body === 'object' && body !== null && (body as ReplayableBody)[REPLAYABLE] === true

/**
 * An async iterable that is not its own iterator (`{[Symbol.asyncIterator]: generate}`): each iteration starts
 * over, so it can be sent again. A stream or a generator object (which has `next`) is read once.
 */
export function isReiterable(body: unknown): body is AsyncIterable<Uint8Array> {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' &&
    typeof (body as {next?: unknown}).next !== 'function' &&
    !(body instanceof Readable) &&
    typeof (body as ReadableStream).getReader !== 'function'
  )
}

/** Whether a body can be sent again: bytes, strings, FormData/Blob/URLSearchParams, a ReplayableBody, a re-iterable. */
export function isReplayable(body: unknown): boolean {
  return bodySource(body).replayable
}

/**
 * Strings and bytes are sent with a Content-Length; streams (a file being uploaded) are piped as they are
 * read, never buffered whole; FormData and Blobs are serialised by the platform as a stream.
 */
function bodySource(body: unknown): BodySource {
  if (body === undefined || body === null) return {open: () => undefined, replayable: true}
  if (typeof body === 'string' || Buffer.isBuffer(body)) return {open: () => ({bytes: body}), replayable: true}
  if (body instanceof Uint8Array) {
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    return {open: () => ({bytes}), replayable: true}
  }
  if (body instanceof ArrayBuffer) {
    const bytes = Buffer.from(body)
    return {open: () => ({bytes}), replayable: true}
  }
  if (isReplayableBody(body)) {
    return {
      open(headers) {
        if (body.length !== undefined) headers['content-length'] ??= String(body.length)
        if (body.contentType) headers['content-type'] ??= body.contentType
        return {stream: body.open()}
      },
      replayable: true,
    }
  }
  if (isReiterable(body)) {
    // Each attempt iterates afresh (transfer/multipart.ts reads its files again).
    return {open: () => (canWriteItself(body) ? {writer: body} : {stream: Readable.from(body)}), replayable: true}
  }
  let stream: Readable | undefined
  if (body instanceof Readable) stream = body
  else if (typeof (body as ReadableStream).getReader === 'function') {
    stream = Readable.fromWeb(body as import('node:stream/web').ReadableStream)
  } else if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    stream = Readable.from(body as AsyncIterable<Uint8Array>)
  }
  if (stream) {
    let sent = false
    const oneShot = stream
    return {
      open() {
        if (sent) throw new TypeError('A streamed request body cannot be sent twice (a redirect or a retry)')
        sent = true
        return {stream: oneShot}
      },
      replayable: false,
    }
  }
  // FormData, Blob, URLSearchParams: the platform's Response serialises them (multipart boundary
  // included) as a stream, reading file-backed Blobs as it goes, afresh for every attempt.
  return {
    open(headers) {
      const encoded = new Response(body as ConstructorParameters<typeof Response>[0])
      const contentType = encoded.headers.get('content-type')
      if (contentType && headers['content-type'] === undefined) headers['content-type'] = contentType
      return {stream: Readable.fromWeb(encoded.body as import('node:stream/web').ReadableStream)}
    },
    replayable: true,
  }
}

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * Lets go of a response that will not be read (a retry, a redirect): a small body (all received, or a known
 * length up to 64 KB) is drained, so its keep-alive socket goes back to the pool, and destroyed if it has not
 * ended within a second; any other body is destroyed at once.
 */
export function discardResponse(response: NodeResponse): void {
  release(response.body)
}

function release(body: Readable): void {
  if (body.destroyed || body.readableEnded) return
  const raw = rawMessage(body)
  const length = Number(raw?.headers['content-length'])
  if (raw && (raw.complete || (Number.isFinite(length) && length <= 64 * 1024))) {
    const deadline = setTimeout(() => body.destroy(), 1000)
    deadline.unref()
    body.once('close', () => clearTimeout(deadline))
    body.once('end', () => clearTimeout(deadline))
    body.on('error', () => {})
    body.resume()
  } else body.destroy()
}

const RAW = Symbol('groq-cli.raw-response')
const rawMessage = (body: Readable): IncomingMessage | undefined => (body as Readable & {[RAW]?: IncomingMessage})[RAW]

/**
 * groq-sdk drops a body with `body[Symbol.asyncIterator]().return()`. On a Node stream whose iterator has not
 * started, that runs nothing; here it also drains or destroys the body, so its socket is freed.
 */
function freeOnReturn(body: Readable): void {
  const iterate = body[Symbol.asyncIterator]
  body[Symbol.asyncIterator] = function (this: Readable) {
    const iterator = iterate.call(this)
    const finish = iterator.return?.bind(iterator)
    let started = false
    const next = iterator.next.bind(iterator)
    iterator.next = (...args) => {
      started = true
      return next(...args)
    }
    iterator.return = async (value?: unknown) => {
      if (!started) release(body)
      return finish ? finish(value) : {done: true, value}
    }
    return iterator
  }
}

// node:zlib only when a server compresses (loading it costs a little on every command otherwise).
const requireBuiltin = createRequire(import.meta.url)
type Zlib = typeof import('node:zlib')
let zlib: Zlib | undefined

/** A decoder per Content-Encoding value, applied in reverse of the order they were applied; none if unknown. */
function decoders(encoding: string): NodeJS.ReadWriteStream[] | undefined {
  const codings = encoding
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding && coding !== 'identity')
  if (codings.length === 0) return undefined
  zlib ??= requireBuiltin('node:zlib') as Zlib
  const z = zlib
  // As undici: a sync flush so a streamed body (SSE) comes out as it arrives, and a lenient end.
  const options = {finishFlush: z.constants.Z_SYNC_FLUSH, flush: z.constants.Z_SYNC_FLUSH}
  const streams: NodeJS.ReadWriteStream[] = []
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') streams.push(z.createGunzip(options))
    else if (coding === 'deflate') streams.push(z.createInflate(options))
    else if (coding === 'br') {
      streams.push(
        z.createBrotliDecompress({
          finishFlush: z.constants.BROTLI_OPERATION_FLUSH,
          flush: z.constants.BROTLI_OPERATION_FLUSH,
        }),
      )
    } else return undefined // an unknown coding: hand the bytes over as they are, as fetch does
  }
  return streams
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 20

export const DEFAULT_TIMEOUT_MS = 60_000

export interface TransportOptions {
  /**
   * The class for response headers: the one the groq-sdk in use knows as `Headers`. The bundled groq-sdk has its own
   * (src/lib/http/headers.ts), and so answers without Node's undici ever loading; default: the global Headers (undici's).
   */
  Headers?: HeadersClass
  /** No byte moving for this long fails the request (TimeoutError, exit 6); default 60 s. */
  timeoutMs?: number
  /** Told of every answer (each attempt of a retried request, each redirect) as its headers arrive: --debug. */
  onResponse?(response: {
    headers: {get(name: string): null | string}
    method: string
    status: number
    url: string
  }): void
}

/**
 * The one line for an answer that is not what the request asked for: `200 OK from POST /openai/v1/chat/completions,
 * but the body is not JSON (text/html, 1234 bytes: "<html>…") [request id req_…]`. `body` is what was read of it.
 */
export function badResponse(
  response: {
    headers: {get(name: string): null | string}
    method?: string
    status: number
    statusText?: string
    url: string
  },
  what: string,
  body: Buffer | string,
): BadResponseError {
  const requestId = response.headers.get('x-request-id')
  const where = `${(response.method ?? 'POST').toUpperCase()} ${new URL(response.url).pathname}`
  return new BadResponseError(
    `${response.status} ${response.statusText || 'OK'} from ${where}, but ${what} (${describeBody(body, response.headers.get('content-type'))})` +
      (requestId ? ` [request id ${requestId}]` : ''),
  )
}

/** At most `limit` bytes of a body (for an error line), the rest left unread and the body destroyed. */
export async function readSome(body: NodeJS.ReadableStream, limit = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      chunks.push(bytes)
      size += bytes.length
      if (size >= limit) break
    }
  } catch {
    // what arrived is enough for the line
  }
  return Buffer.concat(chunks).subarray(0, limit)
}

/** Every agent made, so that closeConnections() can end what a command left open. */
const agents = new Set<Agent>()

/**
 * Ends every connection this process opened (idle keep-alive sockets and any still checked out). BaseCommand
 * calls it when a command is done, so that nothing a command forgot keeps the process alive.
 */
export function closeConnections(): void {
  for (const socket of rawSockets) socket.destroy()
  for (const agent of agents) agent.destroy()
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`
}

/** Builds the fetch. Keep-alive agents serve the REPL's many turns on one connection. */
export function createFetch(env: NodeJS.ProcessEnv, options: TransportOptions = {}): NodeFetch {
  const useProxy = PROXY_VARS.some((name) => env[name])
  let proxyAgent: Promise<Agent> | undefined
  const transports = new Map<string, Promise<Transport>>()

  function transport(protocol: string): Promise<Transport> {
    let cached = transports.get(protocol)
    if (cached) return cached
    if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`Unsupported protocol ${protocol}`)
    cached = (async () => {
      // require(), not import(): on Node 22+ an ES import of node:http evaluates every export, and its lazy
      // WebSocket/EventSource getters load undici (~40 ms, bench/PERF.md), which this transport exists to avoid;
      // and the module object itself is what a test's interceptor (nock), or its removal, changes.
      const module = (
        protocol === 'https:' ? requireBuiltin('node:https') : requireBuiltin('node:http')
      ) as typeof import('node:http')
      if (useProxy) {
        proxyAgent ??= import('proxy-agent').then(({ProxyAgent}) => {
          const agent = new ProxyAgent({getProxyForUrl: (target: string) => proxyFor(target, env) ?? ''})
          agents.add(agent)
          return agent
        })
        return {agent: await proxyAgent, request: module.request as Requester}
      }
      const agent = new module.Agent({keepAlive: true})
      agents.add(agent)
      return {agent, request: module.request as Requester}
    })()
    transports.set(protocol, cached)
    return cached
  }

  /** One request and its answer, no redirect followed. */
  async function send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    payload: Payload,
    init: FetchInit,
    redirected: boolean,
  ): Promise<NodeResponse> {
    const {signal} = init
    if (signal?.aborted) throw abortError()
    const {agent, request} = await transport(url.protocol)
    if (payload && 'bytes' in payload && headers['content-length'] === undefined) {
      headers['content-length'] = String(Buffer.byteLength(payload.bytes))
    }
    const timeoutMs = init.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const origin = redactURL(url.origin)
    // groq-sdk announces its own timeout; ours is the one that applies.
    if (headers['x-stainless-timeout'] !== undefined)
      headers['x-stainless-timeout'] = String(Math.trunc(timeoutMs / 1000))

    const raw = init.download === true && method === 'GET' && !payload && !useProxy && httpIsNodesOwn()
    return new Promise<NodeResponse>((resolve, reject) => {
      let req: ClientRequest
      try {
        req = raw ? (new RawRequest(url, headers) as unknown as ClientRequest) : request(url, {agent, headers, method})
      } catch (error) {
        reject(error)
        return
      }
      let response: IncomingMessage | undefined
      let body: Readable | undefined
      const fail = (error: Error) => {
        if (body) body.destroy(error)
        else if (response) response.destroy(error)
        req.destroy(error)
        reject(error)
      }
      // Before the answer: no answer for timeoutMs fails; every chunk of an upload counts as progress.
      const waiting = setTimeout(
        () =>
          fail(new TimeoutError(`Request to ${origin} timed out after ${formatSeconds(timeoutMs)} (raise --timeout?)`)),
        timeoutMs,
      )
      const onAbort = () => {
        clearTimeout(waiting)
        fail(abortError())
      }
      signal?.addEventListener('abort', onAbort, {once: true})
      req.on('error', (error) => {
        clearTimeout(waiting)
        signal?.removeEventListener('abort', onAbort)
        reject(error)
      })
      req.on('response', (res) => {
        clearTimeout(waiting)
        response = res
        const status = res.statusCode ?? 0
        body = res
        const encoding = res.headers['content-encoding']
        const decoding =
          encoding && method !== 'HEAD' && status !== 204 && status !== 304 ? decoders(encoding) : undefined
        if (decoding) {
          let stream: Readable = res
          for (const decoder of decoding) {
            const source = stream
            source.on('error', (error) => (decoder as unknown as Readable).destroy(error))
            stream = source.pipe(decoder as unknown as import('node:stream').Duplex)
          }
          body = stream
          // A decoder destroyed by its reader takes the response (and its socket) with it.
          body.once('close', () => {
            if (!res.readableEnded) res.destroy()
          })
        }
        const readable = body
        ;(readable as Readable & {[RAW]?: IncomingMessage})[RAW] = res
        freeOnReturn(readable)
        watchBody(
          res,
          timeoutMs,
          () =>
            new TimeoutError(
              `No data from ${origin} for ${formatSeconds(timeoutMs)} while reading the answer (raise --timeout?)`,
            ),
        )
        readable.once('close', () => signal?.removeEventListener('abort', onAbort))

        const responseHeaders = new (options.Headers ?? Headers)()
        const raw = res.rawHeaders
        for (let index = 0; index < raw.length; index += 2) responseHeaders.append(raw[index], raw[index + 1])
        // Every command keeps the last rate limits it saw (a 429's error line may need them).
        rememberRateLimits(responseHeaders)
        options.onResponse?.({headers: responseHeaders, method, status, url: url.href})
        const ok = status >= 200 && status < 300
        const statusText = res.statusMessage ?? ''
        let consumed: Promise<Buffer> | undefined
        const bytes = () => (consumed ??= collect(readable))
        const checkJson = init.expect === 'json' && ok && status !== 204
        const bad = (what: string, buffer: Buffer) =>
          badResponse({headers: responseHeaders, method, status, statusText, url: url.href}, what, buffer)
        resolve({
          body: readable,
          get bodyUsed() {
            return consumed !== undefined || readable.readableDidRead
          },
          headers: responseHeaders,
          ok,
          redirected,
          status,
          statusText,
          url: url.href,
          arrayBuffer: async () => {
            const buffer = await bytes()
            return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer
          },
          async json() {
            const buffer = await bytes()
            let value: unknown
            try {
              value = JSON.parse(buffer.toString('utf8'))
            } catch {
              if (!checkJson)
                throw new SyntaxError(
                  `The answer is not valid JSON (${describeBody(buffer, responseHeaders.get('content-type'))})`,
                )
              throw bad(buffer.length === 0 ? 'the body is empty' : 'the body is not valid JSON', buffer)
            }
            if (checkJson && (typeof value !== 'object' || value === null))
              throw bad('the body is not a JSON object', buffer)
            return value
          },
          async text() {
            const buffer = await bytes()
            // groq-sdk reads a body as text when its content type is not JSON: on a JSON endpoint, that is wrong.
            if (checkJson) throw bad('the body is not JSON', buffer)
            return buffer.toString('utf8')
          },
        })
      })
      if (payload && 'stream' in payload) {
        const progress = () => waiting.refresh()
        payload.stream.on('data', progress)
        payload.stream.on('error', (error) => req.destroy(error))
        payload.stream.pipe(req)
      } else if (payload && 'writer' in payload) {
        const progress = () => waiting.refresh()
        payload.writer[WRITE_BODY](req, progress).then(
          () => req.end(),
          (error: unknown) => req.destroy(error as Error),
        )
      } else {
        req.end(payload?.bytes)
      }
    })
  }

  return async function nodeFetch(input, init = {}) {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    let method = (init.method ?? 'GET').toUpperCase()
    const headers = headerRecord(init.headers)
    // As fetch: ask for a compressed answer unless the caller chose.
    headers['accept-encoding'] ??= 'gzip, deflate, br'
    let source = bodySource(init.body)
    for (let redirects = 0; ; redirects++) {
      const attemptHeaders = {...headers}
      const payload = source.open(attemptHeaders)
      const response = await send(url, method, attemptHeaders, payload, init, redirects > 0)
      const location = response.headers.get('location')
      if (!REDIRECT_STATUSES.has(response.status) || !location || init.redirect === 'manual') return response
      discardResponse(response)
      if (init.redirect === 'error') throw new TypeError(`Redirected (${response.status}) while redirect is "error"`)
      if (redirects >= MAX_REDIRECTS)
        throw new TypeError(`More than ${MAX_REDIRECTS} redirects from ${redactURL(url.href)}`)
      const next = new URL(location, url)
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new TypeError(`Redirected to an unsupported URL: ${redactURL(next.href)}`)
      }
      if (
        (response.status === 303 && method !== 'HEAD') ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET'
        source = bodySource(undefined)
        for (const name of Object.keys(headers)) if (name.startsWith('content-')) delete headers[name]
      } else if (!source.replayable) {
        throw new TypeError(`Cannot follow a ${response.status} redirect with a streamed request body`)
      }
      if (next.origin !== url.origin) {
        delete headers.authorization
        delete headers.cookie
        delete headers['proxy-authorization']
      }
      url = next
    }
  }
}

/**
 * Fails the body when no byte arrives for timeoutMs while its reader waits for one. Time the reader spends
 * elsewhere does not count: bytes still unread in the response (a slow disk or pipe downstream, a decoder
 * waiting for its reader) mean the wait is on our side. Watches the IncomingMessage's pushes, so it costs a
 * timer refresh per network chunk and no change of stream mode. Unref'd: a socket being read keeps the process
 * alive, a body nobody reads does not.
 */
function watchBody(res: IncomingMessage | RawResponse, timeoutMs: number, error: () => Error): void {
  if (res.complete) return
  const timer = setTimeout(function check() {
    if (res.readableEnded || res.destroyed) return
    if (res.readableLength > 0) timer.refresh()
    else res.destroy(error())
  }, timeoutMs)
  timer.unref()
  res.once('end', () => clearTimeout(timer))
  res.once('close', () => clearTimeout(timer))
  // A raw answer may be written to a file without being pushed: it says when bytes arrive either way.
  if (res instanceof RawResponse) return res.watch(() => timer.refresh())
  const push = res.push
  res.push = function (chunk: unknown, encoding?: BufferEncoding) {
    timer.refresh()
    return push.call(this, chunk, encoding)
  }
}
