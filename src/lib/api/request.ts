import {UsageError} from '../core/errors.js'
import {type IO, write} from '../core/io.js'
import type {GroqClient} from '../http/client.js'
import {fieldsToObject, fieldsToQuery, type ParsedField} from './fields.js'

/**
 * `groq api PATH`: any request to the API through the one groq-sdk client (same key, base URL, retries,
 * timeouts, errors and exit codes as every command), the response body to stdout unchanged.
 */

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
type Method = (typeof METHODS)[number]

export interface ApiRequestInput {
  /** -X; default GET, or POST when there are fields or a body. */
  method?: string
  path: string
  baseURL: string
  fields: ParsedField[]
  /** --input: the raw body. */
  input?: Buffer
  /** -H 'Name: value'. */
  headers: string[]
}

export interface ApiRequest {
  body?: Buffer | Record<string, unknown>
  headers: Record<string, string>
  method: Method
  path: string
  query?: Record<string, string>
}

/** A path under the base URL; a full URL only when it is the base URL's own origin (the key goes nowhere else). */
export function apiPath(path: string, baseURL: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(path)) {
    let url: URL
    try {
      url = new URL(path)
    } catch {
      throw new UsageError(`"${path}" is not a URL or a path`)
    }
    const base = new URL(baseURL)
    if (url.origin !== base.origin) {
      throw new UsageError(
        `${url.origin} is not the API's origin (${base.origin}): give a path such as /openai/v1/models`,
      )
    }
    return url.pathname + url.search
  }
  if (path.trim() === '') throw new UsageError('PATH must not be empty (e.g. /openai/v1/models)')
  return path.startsWith('/') ? path : `/${path}`
}

export function parseHeaders(entries: string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const entry of entries) {
    const colon = entry.indexOf(':')
    const name = colon === -1 ? '' : entry.slice(0, colon).trim()
    if (!/^[!#$%&'*+.^`|~\w-]+$/.test(name)) throw new UsageError(`-H: "${entry}" must be "Name: value"`)
    headers[name.toLowerCase()] = entry.slice(colon + 1).trim()
  }
  return headers
}

/** Decides method, query and body as `gh api` does: fields go in the query for GET/DELETE or beside --input. */
export function buildApiRequest(input: ApiRequestInput): ApiRequest {
  const hasBody = input.input !== undefined || input.fields.length > 0
  const method = (input.method?.toUpperCase() ?? (hasBody ? 'POST' : 'GET')) as Method
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`-X: "${input.method}" must be one of ${METHODS.join(', ')}`)
  }
  // Any content type is accepted unless -H says otherwise (speech and file content are not JSON).
  const headers: Record<string, string> = {accept: '*/*', ...parseHeaders(input.headers)}
  const request: ApiRequest = {headers, method, path: apiPath(input.path, input.baseURL)}
  const fieldsInQuery = input.input !== undefined || method === 'GET' || method === 'DELETE'
  if (input.input !== undefined) {
    if (method === 'GET') throw new UsageError('--input: a GET request has no body (add -X POST)')
    request.body = input.input
    headers['content-type'] ??= 'application/json'
  }
  if (input.fields.length > 0) {
    if (fieldsInQuery) request.query = fieldsToQuery(input.fields)
    else request.body = fieldsToObject(input.fields)
  }
  return request
}

export interface SendOptions {
  io: IO
  /** -i: the status line and headers to stderr. */
  include?: boolean
  /** --paginate: follow `has_more` with `after=<last id>` (GET only). */
  paginate?: boolean
  signal?: AbortSignal
}

interface RawResponse {
  body: AsyncIterable<Uint8Array> | null
  headers: {forEach(callback: (value: string, name: string) => void): void; get(name: string): null | string}
  status: number
  statusText: string
}

const TEXTUAL =
  /^(text\/|application\/([\w.+-]*json|[\w.+-]*xml|x-ndjson|jsonl|javascript|x-www-form-urlencoded))|event-stream/i

export async function sendApiRequest(client: GroqClient, request: ApiRequest, options: SendOptions): Promise<void> {
  let query = request.query
  for (let page = 1; ; page++) {
    const response = (await client
      .request({
        body: request.body,
        headers: request.headers,
        method: request.method.toLowerCase() as 'get',
        path: request.path,
        query,
        signal: options.signal,
      })
      .asResponse()) as unknown as RawResponse
    if (options.include) await write(options.io.stderr, statusAndHeaders(response))
    const contentType = response.headers.get('content-type') ?? ''
    if (options.io.stdout.isTTY && response.body && contentType && !TEXTUAL.test(contentType)) {
      throw new UsageError(`Refusing to write ${contentType} to the terminal: redirect stdout to a file`)
    }
    if (!options.paginate || request.method !== 'GET') return copyBody(response, options.io)
    const text = await readBody(response)
    await write(options.io.stdout, text.endsWith('\n') || text === '' ? text : text + '\n')
    const after = nextCursor(text)
    if (after === undefined) return
    query = {...query, after}
    if (page >= 1000) throw new Error('--paginate: stopped after 1000 pages')
  }
}

function statusAndHeaders(response: RawResponse): string {
  const lines = [`HTTP ${response.status} ${response.statusText}`.trimEnd()]
  response.headers.forEach((value, name) => lines.push(`${name}: ${value}`))
  return lines.join('\n') + '\n\n'
}

async function copyBody(response: RawResponse, io: IO): Promise<void> {
  if (!response.body) return
  for await (const chunk of response.body) await write(io.stdout, chunk)
}

async function readBody(response: RawResponse): Promise<string> {
  const chunks: Buffer[] = []
  if (response.body) for await (const chunk of response.body) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}

/** OpenAI-style list paging: `has_more: true` and the last item's id (or `last_id`) as the next `after`. */
export function nextCursor(text: string): string | undefined {
  let page: unknown
  try {
    page = JSON.parse(text)
  } catch {
    return undefined
  }
  const {
    data,
    has_more: hasMore,
    last_id: lastId,
  } = (page ?? {}) as {data?: unknown; has_more?: unknown; last_id?: unknown}
  if (hasMore !== true) return undefined
  if (typeof lastId === 'string' && lastId) return lastId
  const last = Array.isArray(data) ? (data.at(-1) as {id?: unknown} | undefined) : undefined
  return typeof last?.id === 'string' ? last.id : undefined
}
