import {ExitCode, type ExitCodeValue} from './exit-codes.js'
import {retryHint} from './rate-limits.js'

/** An error the CLI raises itself, with the exit code it should end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.error,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** Bad flags, arguments or local input: exit 2, before any request where possible. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage)
    this.name = 'UsageError'
  }
}

export class AuthError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.auth)
    this.name = 'AuthError'
  }
}

export class InterruptedError extends CliError {
  constructor() {
    super('Interrupted', ExitCode.interrupted)
    this.name = 'InterruptedError'
  }
}

/**
 * A response that is not what the request asked for: a 200 whose body is HTML, truncated JSON, not a JSON
 * object, or an empty body where one was due. The message names the status, the content type, the first
 * printable characters and the request id, so a captive portal or a broken proxy is recognisable at once.
 */
export class BadResponseError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.error)
    this.name = 'BadResponseError'
  }
}

/**
 * No byte moved for the timeout (no answer, or a body that stalled). `code` lets the stream readers and
 * describeError treat it as the network error it is (exit 6).
 */
export class TimeoutError extends CliError {
  readonly code = 'ETIMEDOUT'
  constructor(message: string) {
    super(message, ExitCode.network)
    this.name = 'TimeoutError'
  }
}

/** `https://user:secret@host` -> `https://***@host`, wherever a URL with credentials appears in a text. */
export function redactURL(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@')
}

/** Up to `max` printable characters of a body: control characters become spaces, runs of space one. */
export function printablePreview(body: Buffer | string, max = 100): string {
  const text = (typeof body === 'string' ? body : body.toString('utf8'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * How a body that is not the expected JSON is described: `text/html, 1234 bytes: "<html>…"`.
 */
export function describeBody(body: Buffer | string, contentType: null | string | undefined): string {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length
  const type = contentType || 'no content type'
  if (size === 0) return `${type}, empty body`
  const preview = printablePreview(body)
  return `${type}, ${size} byte${size === 1 ? '' : 's'}${preview ? `: "${preview}"` : ''}`
}

export interface DescribedError {
  message: string
  exitCode: ExitCodeValue
}

interface ApiErrorLike {
  status?: number
  headers?: {get(name: string): null | string}
  error?: unknown
  message: string
  name: string
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  498: 'Flex Tier Capacity Exceeded',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

function exitCodeForStatus(status: number): ExitCodeValue {
  if (status === 401 || status === 403) return ExitCode.auth
  if (status === 404) return ExitCode.notFound
  if (status === 429) return ExitCode.rateLimited
  return ExitCode.error
}

/** Groq answers `{"error": {"message", "type", "code"}}`; tolerate anything else. */
function groqErrorBody(body: unknown): {code?: string; message?: string; type?: string} {
  if (!body || typeof body !== 'object') return {}
  const inner = (body as {error?: unknown}).error
  const source = (inner && typeof inner === 'object' ? inner : body) as Record<string, unknown>
  const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined)
  return {code: str(source.code), message: str(source.message), type: str(source.type)}
}

function isApiError(error: unknown): error is ApiErrorLike {
  // Checked by shape, not instanceof, so groq-sdk is never imported just to classify an error.
  return error instanceof Error && 'status' in error && 'headers' in error && 'error' in error
}

/**
 * Why a connection failed, from under fetch's and the SDK's wrappers: the innermost system error code
 * (ECONNREFUSED, ECONNRESET, …); without one, the innermost message when `orMessage` ("other side closed").
 */
export function networkCause(error: unknown, orMessage = false): string | undefined {
  let current: unknown = error
  let code: string | undefined
  let message: string | undefined
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const value = (current as {code?: unknown}).code
    if (typeof value === 'string' && /^E[A-Z_]+$/.test(value)) code = value
    message = current.message
    current = (current as {cause?: unknown}).cause
  }
  return code ?? (orMessage ? message : undefined)
}

export interface ErrorContext {
  /** Where requests go, so a network error can say what it could not reach (its password is never shown). */
  baseURL?: string
  /** config `max_retry_wait`: a Retry-After longer than this was not waited, and the line says so. */
  maxRetryWaitMs?: number
  /** For tests: the time a Retry-After is counted from. */
  now?: number
}

/**
 * Turns any error into the one line the user sees and the exit code.
 * The line names the HTTP status, Groq's message and type, and the request id. A URL's password never shows.
 */
export function describeError(error: unknown, context: ErrorContext = {}): DescribedError {
  const described = describe(error, context)
  return {...described, message: redactURL(described.message)}
}

/** The CliError under groq-sdk's APIConnectionError (the transport's BadResponseError, a redirect refused, …). */
function cliCause(error: unknown): CliError | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof CliError) return current
    current = (current as {cause?: unknown}).cause
  }
  return undefined
}

function describe(error: unknown, context: ErrorContext): DescribedError {
  if (error instanceof CliError) return {exitCode: error.exitCode, message: error.message}

  if (isApiError(error)) {
    // groq-sdk's error classes do not set `name`; the constructor tells them apart.
    const kind = error.constructor.name
    if (kind === 'APIUserAbortError') return {exitCode: ExitCode.interrupted, message: 'Interrupted'}
    if (error.status === undefined) {
      const inner = cliCause(error)
      if (inner) return {exitCode: inner.exitCode, message: inner.message}
      const timedOut = kind === 'APIConnectionTimeoutError'
      const target = context.baseURL ? ` ${context.baseURL}` : ''
      const cause = networkCause(error)
      const message = timedOut
        ? `Request to${target || ' the API'} timed out (raise --timeout?)`
        : `Cannot reach${target || ' the API'}${cause ? ` (${cause})` : `: ${causeMessage(error)}`}`
      return {exitCode: ExitCode.network, message}
    }
    const body = groqErrorBody(error.error)
    const status = `${error.status}${STATUS_TEXT[error.status] ? ` ${STATUS_TEXT[error.status]}` : ''}`
    const contentType = error.headers?.get('content-type')
    let detail: string
    if (body.message) detail = body.message
    else if (error.error !== undefined && error.error !== null) detail = JSON.stringify(error.error)
    else {
      // Not JSON (an HTML page from a proxy, say): groq-sdk keeps the text in its message, after the status.
      const raw = error.message.replace(new RegExp(`^${error.status} `), '')
      const empty = raw === `status code (no body)` || raw === ''
      detail = `the body is not JSON (${describeBody(empty ? '' : raw, contentType)})`
    }
    const errorType = [body.type, body.code && body.code !== body.type ? body.code : undefined]
      .filter(Boolean)
      .join(', ')
    const requestId = error.headers?.get('x-request-id')
    const parts = [`${status}: ${detail}`]
    if (errorType) parts.push(`(${errorType})`)
    if (requestId) parts.push(`[request id ${requestId}]`)
    let message = parts.join(' ')
    // When to try again (core/rate-limits.ts): said for a 429 always, for others only when the server said.
    const retry =
      error.status === 429 || error.headers?.get('retry-after') || error.headers?.get('retry-after-ms')
        ? retryHint(error.headers, {maxWaitMs: context.maxRetryWaitMs, now: context.now})
        : undefined
    if (retry) message += `; ${retry}`
    return {exitCode: exitCodeForStatus(error.status), message}
  }

  const oclif = (error as {oclif?: {exit?: number}} | undefined)?.oclif
  if (error instanceof Error && error.name === 'ExitPromptError') return {exitCode: ExitCode.interrupted, message: ''}
  if (error instanceof Error && oclif) {
    // oclif's parse errors (missing argument, bad option value, unknown flag) are usage errors.
    const exitCode = oclif.exit === 0 ? ExitCode.ok : ExitCode.usage
    return {exitCode, message: error.message.split('\n').filter(Boolean).join(' ')}
  }

  const code = (error as {code?: string} | undefined)?.code
  if (code === 'EPIPE') return {exitCode: ExitCode.ok, message: ''}
  if (code === 'ECONNRESET' && (error as Error).message === 'aborted') {
    // node:http's error for a body cut part way (the server or a proxy closed the connection).
    return {exitCode: ExitCode.network, message: 'The connection was cut while reading the answer (ECONNRESET)'}
  }
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH)$/.test(code)) {
    return {exitCode: ExitCode.network, message: `Network error: ${(error as Error).message}`}
  }
  if (code && /^Z_/.test(code)) {
    return {exitCode: ExitCode.error, message: `The answer could not be decoded (${(error as Error).message})`}
  }
  const message = error instanceof Error ? error.message : String(error)
  return {exitCode: ExitCode.error, message}
}

function causeMessage(error: Error): string {
  const cause = (error as {cause?: unknown}).cause
  return cause instanceof Error ? cause.message : error.message
}
