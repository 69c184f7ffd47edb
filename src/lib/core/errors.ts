import {ExitCode, type ExitCodeValue} from './exit-codes.js'

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
  /** Where requests go, so a network error can say what it could not reach. */
  baseURL?: string
}

/**
 * Turns any error into the one line the user sees and the exit code.
 * The line names the HTTP status, Groq's message and type, and the request id.
 */
export function describeError(error: unknown, context: ErrorContext = {}): DescribedError {
  if (error instanceof CliError) return {exitCode: error.exitCode, message: error.message}

  if (isApiError(error)) {
    // groq-sdk's error classes do not set `name`; the constructor tells them apart.
    const kind = error.constructor.name
    if (kind === 'APIUserAbortError') return {exitCode: ExitCode.interrupted, message: 'Interrupted'}
    if (error.status === undefined) {
      const timedOut = kind === 'APIConnectionTimeoutError'
      const target = context.baseURL ? ` ${context.baseURL}` : ''
      const cause = networkCause(error)
      const message = timedOut
        ? `Request to${target || ' the API'} timed out (raise --timeout?)`
        : `Cannot reach${target || ' the API'}${cause ? ` (${cause})` : `: ${error.message}`}`
      return {exitCode: ExitCode.network, message}
    }
    const body = groqErrorBody(error.error)
    const status = `${error.status}${STATUS_TEXT[error.status] ? ` ${STATUS_TEXT[error.status]}` : ''}`
    const detail = body.message ?? (error.error ? JSON.stringify(error.error) : 'no error body')
    const errorType = [body.type, body.code && body.code !== body.type ? body.code : undefined]
      .filter(Boolean)
      .join(', ')
    const requestId = error.headers?.get('x-request-id')
    const parts = [`${status}: ${detail}`]
    if (errorType) parts.push(`(${errorType})`)
    if (requestId) parts.push(`[request id ${requestId}]`)
    return {exitCode: exitCodeForStatus(error.status), message: parts.join(' ')}
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
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH)$/.test(code)) {
    return {exitCode: ExitCode.network, message: `Network error: ${(error as Error).message}`}
  }
  const message = error instanceof Error ? error.message : String(error)
  return {exitCode: ExitCode.error, message}
}
