import {UsageError} from './errors.js'
import {decodeText, parseJsonText, readInputFileSync} from './input.js'

/**
 * Parsers for flag values that oclif takes as text: numbers with a range, enums, inline JSON or a JSON file,
 * `key=value` pairs, lines of text. Each error names the flag and says what was wrong, and is a UsageError
 * (exit 2), so bad input is refused before any request.
 */

export type ReadFile = (path: string) => Buffer

export interface NumberRange {
  integer?: boolean
  max?: number
  min?: number
}

function rangeText({max, min}: NumberRange): string {
  if (min !== undefined && max !== undefined)
    return min === max ? ` (must be ${min})` : ` (must be from ${min} to ${max})`
  if (min !== undefined) return ` (must be ${min} or more)`
  if (max !== undefined) return ` (must be ${max} or less)`
  return ''
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/** A number typed as text: decimal notation only (`0x10`, `0b1`, `Infinity`, `1_000` and blanks are not numbers). */
export function decimalNumber(text: string): number | undefined {
  const trimmed = text.trim()
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined
}

/**
 * A decimal number (no hex, no exponent overflow) within the range; `flag` is e.g. `--temperature`. A whole
 * number must also be one JSON carries exactly (at most 2^53-1 either way): 99999999999999999999 would be sent
 * as 1e20.
 */
export function parseNumberValue(flag: string, raw: string, range: NumberRange = {}): number {
  const value = decimalNumber(raw) ?? Number.NaN
  const what = range.integer ? 'a whole number' : 'a number'
  if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag}: "${raw}" is not ${what}${rangeText(range)}`)
  }
  if (range.integer && !Number.isSafeInteger(value)) {
    throw new UsageError(
      `${flag}: ${raw} is out of range (whole numbers are sent exactly only up to ±${Number.MAX_SAFE_INTEGER})`,
    )
  }
  if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
    throw new UsageError(`${flag}: ${raw} is out of range${rangeText(range)}`)
  }
  return value
}

export function oneOf<T extends string>(flag: string, raw: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(raw)) {
    throw new UsageError(`${flag}: "${raw}" must be one of ${values.join(', ')}`)
  }
  return raw as T
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A file's bytes, or a UsageError naming the flag and the file. Without `read` (tests inject one), the file is read
 * bounded (core/input.ts): a regular file or a pipe, at most 20 MB; never /dev/zero or a directory.
 */
export function readFileValue(flag: string, path: string, read?: ReadFile): Buffer {
  if (!read) return readInputFileSync(path, {what: flag})
  try {
    return read(path)
  } catch (error) {
    if (error instanceof UsageError) throw error
    const {code} = error as NodeJS.ErrnoException
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message
    throw new UsageError(`${flag}: cannot read ${path} (${reason})`)
  }
}

/** A text file a flag names: bounded, UTF-8 (binary or invalid UTF-8 refused). */
export function readTextValue(flag: string, path: string, read?: ReadFile): string {
  return decodeText(readFileValue(flag, path, read), `${flag}: ${path}`)
}

/**
 * Inline JSON (the value starts with `{` or `[`), else the path of a JSON file. A syntax error says where (line,
 * column), never what: the file could be anything (`--schema /etc/shadow`).
 */
export function readJsonValue(flag: string, value: string, read?: ReadFile): unknown {
  const inline = /^\s*[[{]/.test(value)
  const text = inline ? value : readTextValue(flag, value, read)
  return parseJsonText(text, inline ? `${flag}:` : `${flag}: ${value}`)
}

export function readJsonObjectValue(flag: string, value: string, read?: ReadFile): Record<string, unknown> {
  const parsed = readJsonValue(flag, value, read)
  if (!isObject(parsed)) throw new UsageError(`${flag}: expected a JSON object`)
  return parsed
}

/** `key=value` (the value may hold `=`); the key must be non-empty. */
export function parseKeyValue(flag: string, entry: string): [string, string] {
  const equals = entry.indexOf('=')
  const key = equals === -1 ? '' : entry.slice(0, equals).trim()
  if (!key) throw new UsageError(`${flag}: "${entry}" must be key=value`)
  return [key, entry.slice(equals + 1)]
}

/** Text as lines: the final line end does not start another line; CRLF counts as one line end. */
export function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}
