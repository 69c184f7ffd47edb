/**
 * Groq's rate-limit headers, read from any response: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` and, on
 * a 429, `retry-after`. Requests limits are per day, token limits per minute (Groq's docs); resets are durations
 * such as `2m59.56s` or `7.66s`. Pure: the HTTP layer and commands hand it headers.
 */

export interface Limit {
  limit?: number
  remaining?: number
  /** As Groq sends it, e.g. `2m59.56s`. */
  reset?: string
}

export interface RateLimits {
  requests: Limit
  tokens: Limit
  /** `retry-after` (seconds), sent with a 429. */
  retryAfter?: string
}

interface HeadersLike {
  get(name: string): null | string
}

const number = (value: null | string): number | undefined => {
  if (value === null || value.trim() === '') return undefined
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : undefined
}

function limit(headers: HeadersLike, kind: 'requests' | 'tokens'): Limit {
  const found: Limit = {}
  const max = number(headers.get(`x-ratelimit-limit-${kind}`))
  const remaining = number(headers.get(`x-ratelimit-remaining-${kind}`))
  const reset = headers.get(`x-ratelimit-reset-${kind}`)
  if (max !== undefined) found.limit = max
  if (remaining !== undefined) found.remaining = remaining
  if (reset) found.reset = reset
  return found
}

/** The rate-limit headers of a response, or undefined when it has none. */
export function readRateLimits(headers: HeadersLike | undefined): RateLimits | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined
  const found: RateLimits = {requests: limit(headers, 'requests'), tokens: limit(headers, 'tokens')}
  const retryAfter = headers.get('retry-after')
  if (retryAfter) found.retryAfter = retryAfter
  const empty = Object.keys(found.requests).length === 0 && Object.keys(found.tokens).length === 0
  return empty && !retryAfter ? undefined : found
}

let lastSeen: {at: number; limits: RateLimits} | undefined

/**
 * Kept for the run: the rate-limit headers of the last response that had them (the transport hands it every
 * response), and when they came, so their resets can be counted from then.
 */
export function rememberRateLimits(headers: HeadersLike | undefined, now = Date.now()): RateLimits | undefined {
  const found = readRateLimits(headers)
  if (found) lastSeen = {at: now, limits: found}
  return found
}

export const lastRateLimits = (): RateLimits | undefined => lastSeen?.limits

/** For tests: forget what was seen. */
export function forgetRateLimits(): void {
  lastSeen = undefined
}

const part = (name: string, value: Limit): string | undefined => {
  if (value.remaining === undefined && value.limit === undefined) return undefined
  const count = `${value.remaining ?? '?'}/${value.limit ?? '?'}`
  return `${name} ${count}${value.reset ? ` (resets in ${value.reset})` : ''}`
}

/** One line for --debug: `rate limits: requests 14399/14400 (resets in 6s), tokens 5990/6000 (resets in 100ms)`. */
export function formatRateLimits(limits: RateLimits): string {
  const parts = [part('requests', limits.requests), part('tokens', limits.tokens)].filter(Boolean)
  if (limits.retryAfter) parts.push(`retry after ${limits.retryAfter} s`)
  return `rate limits: ${parts.join(', ')}`
}

const GO_UNITS: Record<string, number> = {h: 3_600_000, m: 60_000, ms: 1, ns: 1e-6, s: 1000, us: 0.001, µs: 0.001}

/** Groq's reset durations (Go's format: `2m59.56s`, `7.66s`, `100ms`, `1h2m`) in ms; undefined if not one. */
export function parseResetMs(reset: string | undefined): number | undefined {
  if (!reset || !/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/.test(reset.trim())) return undefined
  let total = 0
  for (const [, value, unit] of reset.trim().matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g))
    total += Number(value) * GO_UNITS[unit]
  return total
}

/**
 * How long the server says to wait, in ms: `retry-after-ms`, then `Retry-After` (seconds or an HTTP date), then
 * the reset of the exhausted limit (`x-ratelimit-remaining-* 0`: the later of the two when both are; else the
 * tokens' reset, then the requests'). Undefined when the answer says nothing.
 */
export function retryWaitMs(headers: HeadersLike | undefined, now = Date.now()): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined
  const ms = headers.get('retry-after-ms')
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms)
  const after = headers.get('retry-after')
  if (after !== null && after.trim() !== '') {
    if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number(after) * 1000
    const date = Date.parse(after)
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  const limits = readRateLimits(headers)
  return limits ? resetWaitMs(limits) : undefined
}

function resetWaitMs(limits: RateLimits): number | undefined {
  const exhausted = [limits.tokens, limits.requests]
    .filter((value) => value.remaining === 0)
    .map((value) => parseResetMs(value.reset))
    .filter((value): value is number => value !== undefined)
  if (exhausted.length > 0) return Math.max(...exhausted)
  return parseResetMs(limits.tokens.reset) ?? parseResetMs(limits.requests.reset)
}

/**
 * A wait as the retry lines and error lines say it (one wording): `350 ms`, `2.0 s`, `1 min 30 s`, `2 h 5 min`.
 */
export function formatWait(ms: number): string {
  if (ms < 100) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  if (seconds < 3600) {
    const rest = seconds % 60
    return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ''}`
  }
  const minutes = Math.round(seconds / 60)
  const rest = minutes % 60
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`
}

export interface RetryHintOptions {
  /** config `max_retry_wait`: a longer wait was not waited, and the hint says so. */
  maxWaitMs?: number
  now?: number
}

/**
 * When to try again after a 429 (or a 503 that says), in the words of the retry line (`429 rate limited; retrying
 * in 2.0 s (attempt 2 of 3)`): `retry after 2026-12-02T08:00:31Z (in 7.7 s)`, and when it was longer than
 * max_retry_wait, `(in 1 h, more than max_retry_wait 1 min, so not waited)`. From the answer's own headers
 * (retryWaitMs); a 429 that says nothing falls back to the rate limits last seen in this run, counted from when
 * they came. Undefined for a wait under a second ("now" adds nothing) or when nothing is known.
 */
export function retryHint(headers: HeadersLike | undefined, options: RetryHintOptions = {}): string | undefined {
  const now = options.now ?? Date.now()
  let waitMs = retryWaitMs(headers, now)
  if (waitMs === undefined && lastSeen) {
    const reset = resetWaitMs(lastSeen.limits)
    if (reset !== undefined) waitMs = Math.max(0, lastSeen.at + reset - now)
  }
  if (waitMs === undefined || waitMs < 1000) return undefined
  const at = new Date(Math.ceil((now + waitMs) / 1000) * 1000).toISOString().replace('.000Z', 'Z')
  const capped = options.maxWaitMs !== undefined && waitMs > options.maxWaitMs
  const cap = capped ? `, more than max_retry_wait ${formatWait(options.maxWaitMs!)}, so not waited` : ''
  return `retry after ${at} (in ${formatWait(waitMs)}${cap})`
}
