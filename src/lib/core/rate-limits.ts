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

let lastSeen: RateLimits | undefined

/** Kept for the run: the rate-limit headers of the last response that had them. */
export function rememberRateLimits(headers: HeadersLike | undefined): RateLimits | undefined {
  const found = readRateLimits(headers)
  if (found) lastSeen = found
  return found
}

export const lastRateLimits = (): RateLimits | undefined => lastSeen

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

/**
 * When to retry after a 429: `retry-after` (seconds) when sent, else the reset of the exhausted limit (tokens
 * first: the per-minute one), else undefined. E.g. "retry in 7.66s".
 */
export function retryHint(headers: HeadersLike | undefined): string | undefined {
  const limits = readRateLimits(headers)
  if (!limits) return undefined
  if (limits.retryAfter) {
    const seconds = Number(limits.retryAfter)
    if (Number.isFinite(seconds)) return `retry in ${seconds} s`
    const date = Date.parse(limits.retryAfter)
    if (Number.isFinite(date)) return `retry after ${new Date(date).toISOString()}`
  }
  const exhausted = [limits.tokens, limits.requests].find((value) => value.remaining === 0 && value.reset)
  const reset = exhausted?.reset ?? limits.tokens.reset ?? limits.requests.reset
  return reset ? `retry in ${reset}` : undefined
}
