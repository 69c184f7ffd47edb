import {UsageError} from './errors.js'

const UNIT_BYTES: Record<string, number> = {
  '': 1,
  b: 1,
  gb: 1e9,
  gib: 2 ** 30,
  kb: 1e3,
  kib: 2 ** 10,
  mb: 1e6,
  mib: 2 ** 20,
}

/**
 * Parses a size: `100MB` (decimal, as Groq states its limits), `1GiB` (binary), `512kb`, or a bare number of
 * bytes. `what` names the flag or setting in the error.
 */
export function parseSize(input: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(input)
  const bytes = match ? Number(match[1]) * UNIT_BYTES[(match[2] ?? '').toLowerCase()] : Number.NaN
  if (!Number.isFinite(bytes) || bytes <= 0) {
    throw new UsageError(`${what}: "${input}" is not a size (use e.g. 100MB, 512kB, 1GiB, or bytes)`)
  }
  return Math.round(bytes)
}

/** `512 B`, `2.0 kB`, `10 MB`, `24 GB`: decimal units, as parseSize reads them and as the tables print them. */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}
