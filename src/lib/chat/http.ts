import type {IncomingMessage} from 'node:http'

/**
 * A minimal `fetch` on node:http(s), handed to groq-sdk (its `fetch` client option) for chat.
 *
 * The SDK still builds, signs, retries, times out and classifies every request; only the transport
 * changes. Why: Node 20's fetch (undici) delivers the body as a WHATWG stream, and for a chat stream
 * (thousands of small network reads) its per-read cost was the largest part of our CPU time. Here the
 * body is the IncomingMessage itself, which the chat reader consumes with plain 'data' events.
 *
 * Supports what the chat endpoint needs: string/bytes bodies, abort signals, keep-alive (for the
 * REPL's many turns). The response has `status`, `ok`, `headers` (a real Headers), `url`, `body` (a
 * Node stream, async-iterable, which the SDK knows how to cancel), `text()`, `json()`.
 */
export interface NodeResponse {
  body: IncomingMessage
  headers: Headers
  ok: boolean
  redirected: boolean
  status: number
  statusText: string
  url: string
  arrayBuffer(): Promise<ArrayBuffer>
  json(): Promise<unknown>
  text(): Promise<string>
}

interface FetchInit {
  body?: unknown
  headers?: unknown
  method?: string
  signal?: AbortSignal | null
}

type Requester = typeof import('node:http').request

let http: Promise<{agent: unknown; request: Requester}> | undefined
let https: Promise<{agent: unknown; request: Requester}> | undefined

function transport(protocol: string) {
  if (protocol === 'https:') {
    https ??= import('node:https').then(({Agent, request}) => ({agent: new Agent({keepAlive: true}), request: request as Requester}))
    return https
  }
  if (protocol === 'http:') {
    http ??= import('node:http').then(({Agent, request}) => ({agent: new Agent({keepAlive: true}), request}))
    return http
  }
  throw new TypeError(`Unsupported protocol ${protocol}`)
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
  const entries = Array.isArray(headers) ? (headers as [string, string][]) : Object.entries(headers as Record<string, string>)
  for (const [name, value] of entries) if (value !== undefined && value !== null) record[name.toLowerCase()] = String(value)
  return record
}

function bodyBytes(body: unknown): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  throw new TypeError('This transport sends only string or byte bodies')
}

async function collect(body: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export async function nodeFetch(input: string | URL | {url: string}, init: FetchInit = {}): Promise<NodeResponse> {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
  const {signal} = init
  if (signal?.aborted) throw abortError()
  const {agent, request} = await transport(url.protocol)
  const payload = bodyBytes(init.body)
  const headers = headerRecord(init.headers)
  if (payload !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(payload))

  return new Promise<NodeResponse>((resolve, reject) => {
    const req = request(url, {agent: agent as never, headers, method: init.method ?? 'GET'})
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
      const responseHeaders = new Headers()
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
    req.end(payload)
  })
}
