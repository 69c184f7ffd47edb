import {UsageError} from './errors.js'

const UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}

/** The longest delay Node's timers hold (2^31-1 ms, 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Parses `500ms`, `30s`, `2m`, `1h` or a bare number of seconds into milliseconds, at most MAX_TIMER_MS.
 * `what` names the flag or setting in the error, so the user knows which input was wrong.
 */
export function parseDuration(input: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(input)
  if (!match) {
    throw new UsageError(`${what}: "${input}" is not a duration (use e.g. 500ms, 30s, 2m, 1h, or seconds)`)
  }
  const value = Number(match[1]) * UNIT_MS[match[2] ?? 's']
  if (!Number.isFinite(value) || Math.round(value) <= 0) {
    throw new UsageError(`${what}: "${input}" must be greater than zero`)
  }
  if (value > MAX_TIMER_MS) {
    throw new UsageError(`${what}: "${input}" is too long (at most ${Math.floor(MAX_TIMER_MS / 3_600_000)}h)`)
  }
  return Math.round(value)
}
