import {formatWait} from '../core/rate-limits.js'
import {discardResponse, type FetchInit, isReplayable, type NodeFetch, type NodeResponse} from './transport.js'

/**
 * Retries, in one place, for every request (JSON, streams, uploads with a replayable body, `groq api`): the
 * fetch groq-sdk is given wraps the transport in this layer, and groq-sdk's own retries are off (maxRetries 0).
 *
 * Kept from groq-sdk: which answers are retried (`x-should-retry: true|false` first, then 408, 409, 429 and 5xx),
 * network errors and timeouts retried, the wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date),
 * else 0.5 s doubling up to 8 s with up to 25% jitter.
 * Added: each retry is one line through `onRetry` (`429 rate limited; retrying in 2.0 s (attempt 2 of 3)`); a wait
 * the server asks for that is longer than `maxWaitMs` (config `max_retry_wait`) is not waited: the answer is
 * returned as it is, and the error line says when to retry (core/errors.ts); a response is freed before the next
 * attempt (the hang of issue 9); a request whose body cannot be sent twice (a one-shot stream) is never retried.
 * Never retried: anything after the answer's status came back 2xx (a body cut part way is the reader's error,
 * never a silent second request), an abort (Ctrl-C), a local error (a bad URL or redirect).
 */
export interface RetryPolicy {
  /** Retries after the first attempt (per request: `init.maxRetries`). */
  maxRetries: number
  /** The longest wait a server may ask for (Retry-After) that is waited; longer ends the retries. */
  maxWaitMs: number
  /** One line per retry, for stderr (BaseCommand hides it with --quiet). */
  onRetry?: (line: string) => void
  /** For tests: a clock and a sleep that do not wait. */
  random?: () => number
  sleep?: (ms: number, signal?: AbortSignal | null) => Promise<void>
}

export const DEFAULT_MAX_RETRIES = 2
export const DEFAULT_MAX_RETRY_WAIT_MS = 60_000

const STATUS_NAMES: Record<number, string> = {
  408: 'request timeout',
  409: 'conflict',
  429: 'rate limited',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
}

/** groq-sdk's rule: the server's `x-should-retry` first, then 408, 409, 429 and 5xx. */
export function shouldRetry(response: Pick<NodeResponse, 'headers' | 'status'>): boolean {
  const header = response.headers.get('x-should-retry')
  if (header === 'true') return true
  if (header === 'false') return false
  const {status} = response
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/** The wait the server asks for, in ms (`retry-after-ms`, then `Retry-After` seconds or date), or undefined. */
export function serverWaitMs(headers: {get(name: string): null | string}, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms')
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms)
    if (Number.isFinite(value) && value >= 0) return value
  }
  const after = headers.get('retry-after')
  if (after === null || after.trim() === '') return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number(after) * 1000
  const date = Date.parse(after)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/** groq-sdk's backoff: 0.5 s doubling per retry, at most 8 s, minus up to 25% jitter. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const seconds = Math.min(0.5 * 2 ** (retry - 1), 8)
  return Math.round(seconds * (1 - random() * 0.25) * 1000)
}

/** The wording of waits, shared with the error lines (core/rate-limits.ts). */
export {formatWait}

/** What failed, for a retry line: `429 rate limited`, `503 service unavailable`, `connection refused (ECONNREFUSED)`. */
function statusReason(response: NodeResponse): string {
  return `${response.status} ${STATUS_NAMES[response.status] ?? (response.statusText.toLowerCase() || 'error')}`
}

const ERROR_NAMES: Record<string, string> = {
  EAI_AGAIN: 'DNS lookup failed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const {code} = current as {code?: unknown}
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code
    current = (current as {cause?: unknown}).cause
  }
  return undefined
}

/** Network errors and timeouts are retried; aborts and local errors (TypeError: bad URL, redirect) are not. */
function retryableError(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name === 'AbortError') return undefined
  const code = errorCode(error)
  if (code) return code === 'ETIMEDOUT' ? 'no answer in time' : `${ERROR_NAMES[code] ?? 'network error'} (${code})`
  // node:http's "socket hang up" (a connection closed before the answer) carries ECONNRESET; anything
  // else without a system code is ours or the caller's.
  return undefined
}

function abortableSleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('This operation was aborted', 'AbortError'))
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(new DOMException('This operation was aborted', 'AbortError'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

function withRetryCount(headers: unknown, retry: number): unknown {
  if (!headers) return headers
  // groq-sdk's header, now that the retries are counted here.
  const record: Record<string, string> = {}
  if (typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)) {
    ;(headers as Headers).forEach((value, name) => {
      record[name] = value
    })
  } else {
    const entries = Array.isArray(headers) ? (headers as [string, string][]) : Object.entries(headers)
    for (const [name, value] of entries) record[name.toLowerCase()] = value as string
  }
  if (record['x-stainless-retry-count'] === undefined) return headers
  record['x-stainless-retry-count'] = String(retry)
  return record
}

/** The transport's fetch with retries around it (see the header comment). */
export function withRetries(fetch: NodeFetch, policy: RetryPolicy): NodeFetch {
  const sleep = policy.sleep ?? abortableSleep
  const random = policy.random ?? Math.random
  return async function retryingFetch(input, init: FetchInit = {}) {
    const maxRetries = init.maxRetries ?? policy.maxRetries
    const replayable = isReplayable(init.body)
    const attempts = maxRetries + 1
    for (let attempt = 1; ; attempt++) {
      const canRetry = attempt < attempts && replayable && !init.signal?.aborted
      let response: NodeResponse
      try {
        response = await fetch(input, {...init, headers: withRetryCount(init.headers, attempt - 1)})
      } catch (error) {
        const reason = canRetry ? retryableError(error) : undefined
        if (!reason) throw error
        const wait = backoffMs(attempt, random)
        policy.onRetry?.(`${reason}; retrying in ${formatWait(wait)} (attempt ${attempt + 1} of ${attempts})`)
        await sleep(wait, init.signal)
        continue
      }
      if (response.ok || !canRetry || !shouldRetry(response)) return response
      const asked = serverWaitMs(response.headers)
      // Longer than the user allows: not waited; the error line says when to retry.
      if (asked !== undefined && asked > policy.maxWaitMs) return response
      const wait = asked ?? backoffMs(attempt, random)
      discardResponse(response)
      policy.onRetry?.(
        `${statusReason(response)}; retrying in ${formatWait(wait)} (attempt ${attempt + 1} of ${attempts})`,
      )
      await sleep(wait, init.signal)
    }
  }
}
