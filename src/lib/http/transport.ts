import type {Agent, IncomingMessage} from 'node:http'
import {createRequire} from 'node:module'
import {Readable} from 'node:stream'

/**
 * The HTTP transport handed to groq-sdk (its `fetch` option): a minimal fetch on node:http(s).
 *
 * groq-sdk still builds, signs, retries, times out and classifies every request; only the transport
 * changes. Why not Node 20's global fetch: it loads its bundled undici on first use (more than the
 * whole request costs) and delivers bodies as WHATWG streams, whose per-read cost dominated the CPU
 * time of a chat stream. Here the response body is the IncomingMessage itself (async-iterable, which
 * the SDK can read and cancel, and which the chat reader consumes with plain 'data' events).
 *
 * Proxies: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, through the kept `proxy-agent` library,
 * loaded only when one of those variables is set.
 */
/** The Headers class responses are given in: groq-sdk's (see TransportOptions). */
export type HeadersClass = new () => {append(name: string, value: string): void; get(name: string): null | string}

export interface NodeResponse {
  body: IncomingMessage
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

export interface FetchInit {
  body?: unknown
  headers?: unknown
  method?: string
  signal?: AbortSignal | null
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
      record[name] = value
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

type Payload = {bytes: Buffer | string} | {stream: Readable} | undefined

/**
 * Strings and bytes are sent with a Content-Length; streams (a file being uploaded) are piped as they are
 * read, never buffered whole; FormData and Blobs are serialised by the platform as a stream.
 */
function toPayload(body: unknown, headers: Record<string, string>): Payload {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || Buffer.isBuffer(body)) return {bytes: body}
  if (body instanceof Uint8Array) return {bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength)}
  if (body instanceof ArrayBuffer) return {bytes: Buffer.from(body)}
  if (body instanceof Readable) return {stream: body}
  if (typeof (body as ReadableStream).getReader === 'function') {
    return {stream: Readable.fromWeb(body as import('node:stream/web').ReadableStream)}
  }
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return {stream: Readable.from(body as AsyncIterable<Uint8Array>)}
  }
  // FormData, Blob, URLSearchParams: the platform's Response serialises them (multipart boundary
  // included) as a stream, reading file-backed Blobs as it goes.
  const encoded = new Response(body as ConstructorParameters<typeof Response>[0])
  const contentType = encoded.headers.get('content-type')
  if (contentType && headers['content-type'] === undefined) headers['content-type'] = contentType
  return {stream: Readable.fromWeb(encoded.body as import('node:stream/web').ReadableStream)}
}

async function collect(body: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export interface TransportOptions {
  /**
   * The class for response headers: the one the groq-sdk in use knows as `Headers`. The bundled groq-sdk has its own
   * (src/lib/http/headers.ts), and so answers without Node's undici ever loading; default: the global Headers (undici's).
   */
  Headers?: HeadersClass
}

/** Builds the fetch for groq-sdk. Keep-alive agents serve the REPL's many turns on one connection. */
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
      // WebSocket/EventSource getters load undici (~40 ms, bench/PERF.md), which this transport exists to avoid.
      const module = createRequire(import.meta.url)(protocol === 'https:' ? 'node:https' : 'node:http') as
        typeof import('node:http') | typeof import('node:https')
      if (useProxy) {
        proxyAgent ??= import('proxy-agent').then(
          ({ProxyAgent}) => new ProxyAgent({getProxyForUrl: (target: string) => proxyFor(target, env) ?? ''}),
        )
        return {agent: await proxyAgent, request: module.request as Requester}
      }
      return {agent: new module.Agent({keepAlive: true}), request: module.request as Requester}
    })()
    transports.set(protocol, cached)
    return cached
  }

  return async function nodeFetch(input, init = {}) {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const {signal} = init
    if (signal?.aborted) throw abortError()
    const {agent, request} = await transport(url.protocol)
    const headers = headerRecord(init.headers)
    const payload = toPayload(init.body, headers)
    if (payload && 'bytes' in payload && headers['content-length'] === undefined) {
      headers['content-length'] = String(Buffer.byteLength(payload.bytes))
    }

    return new Promise<NodeResponse>((resolve, reject) => {
      const req = request(url, {agent, headers, method: init.method ?? 'GET'})
      let response: IncomingMessage | undefined
      const onAbort = () => {
        const error = abortError()
        if (response) response.destroy(error)
        req.destroy(error)
        reject(error)
      }
      signal?.addEventListener('abort', onAbort, {once: true})
      req.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort)
        reject(error)
      })
      req.on('response', (res) => {
        response = res
        res.on('close', () => signal?.removeEventListener('abort', onAbort))
        const responseHeaders = new (options.Headers ?? Headers)()
        const raw = res.rawHeaders
        for (let index = 0; index < raw.length; index += 2) responseHeaders.append(raw[index], raw[index + 1])
        const status = res.statusCode ?? 0
        let consumed: Promise<Buffer> | undefined
        const bytes = () => (consumed ??= collect(res))
        resolve({
          body: res,
          headers: responseHeaders,
          ok: status >= 200 && status < 300,
          redirected: false,
          status,
          statusText: res.statusMessage ?? '',
          url: url.href,
          arrayBuffer: async () => {
            const buffer = await bytes()
            return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer
          },
          json: async () => JSON.parse((await bytes()).toString('utf8')),
          text: async () => (await bytes()).toString('utf8'),
        })
      })
      if (payload && 'stream' in payload) {
        payload.stream.on('error', (error) => req.destroy(error))
        payload.stream.pipe(req)
      } else {
        req.end(payload?.bytes)
      }
    })
  }
}
