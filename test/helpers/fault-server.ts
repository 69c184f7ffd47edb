/**
 * A fake Groq that misbehaves on purpose: the fault suite's server (issue 9), for in-process tests (`run()` with
 * GROQ_BASE_URL set to `server.url`) and spawned ones (`runCli`) alike.
 *
 * Each route answers with a list of faults, one per request in order, the last one repeating:
 *
 *   const server = await startFaultServer({
 *     routes: {'GET /openai/v1/models': [fault.rateLimited({retryAfter: '1'}), fault.json(200, MODELS)]},
 *   })
 *   onTestFinished(() => server.close())
 *   const result = await run(ModelsList, [], {env: {...home.env, GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url}})
 *   expect(server.requests).toHaveLength(2)
 *
 * Routes are `METHOD /path` (the query is ignored) or `*`, the fallback. An unmatched request gets a 404 in Groq's
 * error shape. Keep-alive is on and idle connections are kept for `keepAliveMs` (default 30 s, as the issue's
 * probe): a client that leaves a socket checked out stays alive that long, which is what the exit-time tests catch.
 *
 * The faults (`fault.*`):
 * - `json(status, body, headers?)`, `reply(status, body, headers?)` (raw text or bytes), `html(status, page?)`
 * - `rateLimited({retryAfter?, retryAfterMs?, body?})` (429), `serverError(status = 500, body?)`
 * - `drop()`: the connection is closed before any answer (ECONNRESET, "socket hang up")
 * - `stall()`: the request is read and never answered
 * - `cutBody(status, headers, firstPart)`: headers and the first part of a body, then the connection is cut
 * - `stallBody(status, headers, firstPart)`: headers and the first part, then nothing (the body never ends)
 * - `slow(fault, delayMs)`: any fault, after a delay
 * - `sse(events, {cutAfter?})`: a text/event-stream of `data:` events (objects are JSON), ending in `data: [DONE]`,
 *   or cut after `cutAfter` events
 * - `cutUpload(afterBytes)`: the connection is cut once that much of the request body has arrived (no answer)
 * - `custom((req, res, body) => …)`: anything else
 *
 * For the files, batches and audio commands: add routes for their paths (`POST /openai/v1/files`,
 * `GET /openai/v1/files/ID/content`, `GET /openai/v1/batches/ID`, `POST /openai/v1/audio/speech`, …) with
 * `cutBody` (a download cut mid-way), `cutUpload` (an upload cut mid-way) and `rateLimited` (429 while polling).
 */
import {createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'

export type FaultHandler = ((req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void> | void) & {
  /** Set by faults that read the request body themselves (cutUpload): the server then hands them `req` unread. */
  readsBody?: boolean
}

export interface FaultRequest {
  method: string
  /** Path and query. */
  path: string
  headers: IncomingHttpHeaders
  body: Buffer
  /** The body as text (`JSON.parse(request.text)` for JSON requests). */
  text: string
  /** Which connection it came on (1, 2, …): the same number means a reused keep-alive socket. */
  connection: number
}

export interface FaultServerOptions {
  routes: Record<string, FaultHandler | FaultHandler[]>
  /** How long idle keep-alive connections are kept (default 30 s). */
  keepAliveMs?: number
}

export interface FaultServer {
  /** e.g. http://127.0.0.1:39215: GROQ_BASE_URL. */
  url: string
  requests: FaultRequest[]
  /** Connections accepted so far. */
  connections(): number
  close(): Promise<void>
}

const groqError = (message: string, type: string, code?: string) => ({error: {code, message, type}})

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export const fault = {
  /** A JSON answer (content-type application/json, a request id). */
  json(status: number, body: unknown, headers: Record<string, string> = {}): FaultHandler {
    return (_req, res) => {
      res.writeHead(status, {'content-type': 'application/json', 'x-request-id': 'req_fault', ...headers})
      res.end(JSON.stringify(body))
    }
  },

  /** Any body, as given (no content type unless in headers). */
  reply(status: number, body: Buffer | string, headers: Record<string, string> = {}): FaultHandler {
    return (_req, res) => {
      res.writeHead(status, {'x-request-id': 'req_fault', ...headers})
      res.end(body)
    }
  },

  /** An HTML page, as a captive portal or a proxy gives. */
  html(
    status: number,
    page = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
  ): FaultHandler {
    return fault.reply(status, page, {'content-type': 'text/html; charset=utf-8'})
  },

  rateLimited(options: {body?: unknown; retryAfter?: string; retryAfterMs?: string} = {}): FaultHandler {
    const headers: Record<string, string> = {}
    if (options.retryAfter !== undefined) headers['retry-after'] = options.retryAfter
    if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = options.retryAfterMs
    return fault.json(
      429,
      options.body ?? groqError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
      headers,
    )
  },

  serverError(status = 500, body: unknown = groqError('Internal server error', 'internal_server_error')): FaultHandler {
    return fault.json(status, body)
  },

  /** Closes the connection without answering. */
  drop(): FaultHandler {
    return (req) => {
      req.socket.destroy()
    }
  },

  /** Reads the request and never answers (until the server closes). */
  stall(): FaultHandler {
    return () => new Promise<void>(() => {})
  },

  /** Status, headers and the first part of the body, then the connection is cut. */
  cutBody(status: number, headers: Record<string, string>, firstPart: Buffer | string): FaultHandler {
    return (_req, res) => {
      res.writeHead(status, headers)
      res.write(firstPart, () => setTimeout(() => res.socket?.destroy(), 20))
    }
  },

  /** Status, headers and the first part of the body, then nothing more. */
  stallBody(status: number, headers: Record<string, string>, firstPart: Buffer | string): FaultHandler {
    return (_req, res) => {
      res.writeHead(status, headers)
      res.write(firstPart)
    }
  },

  slow(handler: FaultHandler, delayMs: number): FaultHandler {
    return async (req, res, body) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      await handler(req, res, body)
    }
  },

  /** A chat stream: each event a `data:` line (objects as JSON), then `data: [DONE]`, unless cut. */
  sse(events: unknown[], options: {cutAfter?: number} = {}): FaultHandler {
    return (_req, res) => {
      res.writeHead(200, {'content-type': 'text/event-stream', 'x-request-id': 'req_fault'})
      const shown = options.cutAfter === undefined ? events : events.slice(0, options.cutAfter)
      for (const event of shown) res.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`)
      if (options.cutAfter === undefined) res.end('data: [DONE]\n\n')
      else setTimeout(() => res.socket?.destroy(), 20)
    }
  },

  custom(handler: FaultHandler): FaultHandler {
    return handler
  },

  /**
   * An upload cut mid-way: the connection is destroyed once `afterBytes` of the request body have arrived, before
   * any answer. The request is recorded with its headers (Content-Length says what was promised), not its body.
   */
  cutUpload(afterBytes: number): FaultHandler {
    const handler: FaultHandler = (req) =>
      new Promise<void>((resolve) => {
        let seen = 0
        const cut = () => {
          req.socket.destroy()
          resolve()
        }
        req.on('data', (chunk: Buffer) => {
          seen += chunk.length
          if (seen >= afterBytes) cut()
        })
        req.on('end', cut)
      })
    handler.readsBody = true
    return handler
  },
}

export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const requests: FaultRequest[] = []
  const counts = new Map<string, number>()
  const sockets = new Set<Socket>()
  const connectionIds = new WeakMap<Socket, number>()
  let connections = 0
  const server = createServer(async (req, res) => {
    const path = req.url ?? '/'
    const route = `${req.method} ${path.split('?')[0]}`
    const key = route in options.routes ? route : '*' in options.routes ? '*' : undefined
    const handlers = key ? ([] as FaultHandler[]).concat(options.routes[key]) : []
    const index = key ? (counts.get(key) ?? 0) : 0
    if (key) counts.set(key, index + 1)
    const handler = handlers[Math.min(index, handlers.length - 1)]
    const body = handler?.readsBody ? Buffer.alloc(0) : await readBody(req)
    requests.push({
      body,
      connection: connectionIds.get(req.socket) ?? 0,
      headers: req.headers,
      method: req.method ?? '',
      path,
      text: body.toString('utf8'),
    })
    if (!handler) {
      fault.json(404, groqError(`Unknown request URL: ${route}`, 'invalid_request_error', 'unknown_url'))(
        req,
        res,
        body,
      )
      return
    }
    try {
      await handler(req, res, body)
    } catch {
      req.socket.destroy()
    }
  })
  server.keepAliveTimeout = options.keepAliveMs ?? 30_000
  server.on('connection', (socket) => {
    connections++
    connectionIds.set(socket, connections)
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as {port: number}
  let closed: Promise<void> | undefined
  return {
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })),
    connections: () => connections,
    requests,
    url: `http://127.0.0.1:${port}`,
  }
}
