import {CliError, UsageError} from '../core/errors.js'
import {type IO, write} from '../core/io.js'
import {collectPages, type ListPage} from '../core/listing.js'
import type {GroqClient} from '../http/client.js'
import {multipartBody, type Part, uploadTimeoutMs} from '../transfer/index.js'
import {looksBinary, readResponse, saveResponse, type Sink} from '../transfer/download.js'
import {fieldsToObject, fieldsToQuery, fieldsToParts, type ParsedField} from './fields.js'

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
  /** --form: the fields as multipart/form-data parts (`-F name=@path` a file, streamed from disk). */
  form?: boolean
}

export interface ApiRequest {
  body?: Buffer | Record<string, unknown>
  form?: Part[]
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
  const hasBody = input.input !== undefined || input.fields.length > 0 || Boolean(input.form)
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
  if (input.form) {
    if (input.input !== undefined) throw new UsageError('--form and --input both give the body: use one')
    if (method === 'GET' || method === 'DELETE') throw new UsageError(`--form: a ${method} request has no body`)
    request.form = fieldsToParts(input.fields)
  } else if (input.fields.length > 0) {
    if (fieldsInQuery) request.query = fieldsToQuery(input.fields)
    else request.body = fieldsToObject(input.fields)
  }
  return request
}

export interface SendOptions {
  io: IO
  /** -i: the status line and headers to stderr. */
  include?: boolean
  /** --paginate: follow `has_more` with `after=<last id>` (GET only) and print one merged list. */
  paginate?: boolean
  signal?: AbortSignal
  /** Where the body goes (`-O`, stdout), decided before the request (transfer/download.ts). */
  sink: Sink
  /** The run's timeout; a --form upload adds time for its size. */
  timeoutMs: number
  /**
   * When set, a text body is read whole and handed here instead of going to the sink: the command prints it (--jq
   * filters it; on a terminal JSON is coloured and long text paged). An event stream still goes through as it
   * arrives, and a binary body to the sink (which refuses it on a terminal).
   */
  printText?: (text: string, contentType: string | undefined) => Promise<void>
}

interface RawResponse {
  body: AsyncIterable<Uint8Array> | null
  headers: {forEach(callback: (value: string, name: string) => void): void; get(name: string): null | string}
  status: number
  statusText: string
}

/** Sends the request and streams the body to the sink unchanged (a --paginate list is merged first). */
export async function sendApiRequest(client: GroqClient, request: ApiRequest, options: SendOptions): Promise<void> {
  const send = async (query: Record<string, string> | undefined) => {
    let {body, headers} = request
    let timeout: number | undefined
    if (request.form) {
      const form = await multipartBody(request.form)
      body = form.body as unknown as Buffer
      headers = {...headers, 'content-length': String(form.contentLength), 'content-type': form.contentType}
      timeout = uploadTimeoutMs(options.timeoutMs, form.contentLength)
    }
    const response = (await client
      .request({
        body,
        headers,
        method: request.method.toLowerCase() as 'get',
        path: request.path,
        query,
        signal: options.signal,
        ...(timeout === undefined ? {} : {timeout}),
      })
      .asResponse()) as unknown as RawResponse
    if (options.include) await write(options.io.stderr, statusAndHeaders(response))
    return response
  }

  if (!options.paginate || request.method !== 'GET') {
    let response: Pick<RawResponse, 'body' | 'headers'> = await send(request.query)
    const contentType = response.headers.get('content-type') ?? undefined
    if (options.printText && !contentType?.startsWith('text/event-stream')) {
      const body = await readResponse(response, {
        idleTimeoutMs: options.timeoutMs,
        io: options.io,
        signal: options.signal,
      })
      if (!looksBinary(body)) return options.printText(body.toString('utf8'), contentType)
      const {Readable} = await import('node:stream')
      response = {body: Readable.from([body]), headers: response.headers}
    }
    await saveResponse(response, options.sink, {
      io: options.io,
      idleTimeoutMs: options.timeoutMs,
      signal: options.signal,
    })
    return
  }
  const merged = await collectPages<unknown>(async ({after}) => {
    const response = await send(after === undefined ? request.query : {...request.query, after})
    const text = await readBody(response)
    let page: unknown
    try {
      page = JSON.parse(text)
    } catch {
      throw new CliError(`--paginate: the answer is not JSON (${text.slice(0, 80)})`)
    }
    if (!page || typeof page !== 'object' || !Array.isArray((page as ListPage<unknown>).data)) {
      throw new CliError('--paginate: the answer is not a list (no "data" array)')
    }
    return page as ListPage<unknown>
  })
  const text = JSON.stringify(merged) + '\n'
  if (options.printText) return options.printText(text, 'application/json')
  const {Readable} = await import('node:stream')
  const page = {body: Readable.from([Buffer.from(text)]), headers: {get: () => null}}
  await saveResponse(page, options.sink, {io: options.io, signal: options.signal})
}

function statusAndHeaders(response: RawResponse): string {
  const lines = [`HTTP ${response.status} ${response.statusText}`.trimEnd()]
  response.headers.forEach((value, name) => lines.push(`${name}: ${value}`))
  return lines.join('\n') + '\n\n'
}

async function readBody(response: RawResponse): Promise<string> {
  const chunks: Buffer[] = []
  if (response.body) for await (const chunk of response.body) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}
