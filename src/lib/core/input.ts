import {closeSync, fstatSync, openSync, readSync} from 'node:fs'

import {UsageError} from './errors.js'
import {splitLines} from './flag-values.js'
import {type IO, isStdinTTY} from './io.js'
import {formatSize} from './size.js'

/**
 * Bounded inputs: every file a flag names and every read of stdin goes through here, so no input can grow
 * without limit (`--schema /dev/zero` once grew to 23.7 GB), binary or invalid UTF-8 text is refused instead of
 * being turned into U+FFFD, and a JSON error never quotes the file (it may be /etc/shadow).
 *
 * - `readInputFileSync(path, {what, maxBytes})` (and async `readInputFile`): the bytes of a regular file (or a pipe
 *   such as `<(cmd)`), at most maxBytes (20 MB by default); a directory, a device (/dev/zero) or a missing file is
 *   a UsageError naming the flag (exit 2). core/flag-values.ts `readFileValue` reads every FILE flag through it.
 * - `readTextFileSync` / `readTextFile`: the same, decoded as text by `decodeText`.
 * - `readStdinText(io, {what, maxBytes})`: stdin, at most maxBytes (config `max_stdin`, default 10 MB), as text.
 * - `decodeText(bytes, what)`: UTF-8 (a BOM dropped) or UTF-16 with a BOM; a NUL byte or invalid UTF-8 is an error.
 * - `parseJsonText(text, what)`: JSON.parse whose error says where (line, column), never what.
 * - `argsOrStdinLines(io, args, what)`: texts from arguments, else one per line of piped stdin (bounded as above).
 * Sizes (`10MB`, `1GiB`) parse and print in `size.ts`.
 */

export const DEFAULT_MAX_STDIN = 10_000_000
/** The default for a file named by a flag (a schema, a tool, a messages file, an image). */
export const DEFAULT_MAX_FILE = 20_000_000

export interface ReadOptions {
  /** Names the input in errors: `--schema`, `stdin`, `--messages`. */
  what: string
  maxBytes?: number
  /** How to raise the limit, for the error: e.g. "groq config set max_stdin 50MB". */
  raise?: string
}

function tooLarge(what: string, subject: string, maxBytes: number, raise?: string, size?: number): UsageError {
  const sized =
    size === undefined ? `more than ${formatSize(maxBytes)}` : `${formatSize(size)}, more than ${formatSize(maxBytes)}`
  return new UsageError(`${what}: ${subject} is ${sized}, the limit${raise ? ` (raise it with: ${raise})` : ''}`)
}

/**
 * The bytes of a file a flag names: a regular file, or a pipe (`--schema <(cmd)`), read up to maxBytes (default
 * 20 MB). A directory, a device (/dev/zero), a socket or a missing file is refused before anything is read, with a
 * UsageError naming the flag: `--schema: cannot read x.json (no such file)`. Synchronous, as flag parsing is.
 */
export function readInputFileSync(path: string, options: ReadOptions): Buffer {
  const {what} = options
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE
  let fd: number
  try {
    // A pipe given on purpose blocks here until its writer opens it, as `cat` would.
    fd = openSync(path, 'r')
  } catch (error) {
    throw fileError(error, what, path)
  }
  try {
    const stat = fstatSync(fd)
    if (stat.isDirectory()) throw new UsageError(`${what}: cannot read ${path} (is a directory)`)
    if (!stat.isFile() && !stat.isFIFO()) throw new UsageError(`${what}: cannot read ${path} (not a regular file)`)
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge(what, path, maxBytes, options.raise, stat.size)
    let buffer = Buffer.allocUnsafe(Math.min(stat.isFile() ? stat.size + 1 : 64 * 1024, maxBytes + 1))
    let used = 0
    for (;;) {
      if (used === buffer.length) {
        if (buffer.length > maxBytes) throw tooLarge(what, path, maxBytes, options.raise)
        const bigger = Buffer.allocUnsafe(Math.min(Math.max(buffer.length * 2, 64 * 1024), maxBytes + 1))
        buffer.copy(bigger, 0, 0, used)
        buffer = bigger
      }
      const count = readSync(fd, buffer, used, buffer.length - used, null)
      if (count === 0) break
      used += count
      if (used > maxBytes) throw tooLarge(what, path, maxBytes, options.raise)
    }
    return buffer.subarray(0, used)
  } catch (error) {
    throw error instanceof UsageError ? error : fileError(error, what, path)
  } finally {
    closeSync(fd)
  }
}

/** The same, for code that awaits. */
export async function readInputFile(path: string, options: ReadOptions): Promise<Buffer> {
  return readInputFileSync(path, options)
}

function fileError(error: unknown, what: string, path: string): UsageError {
  const code = (error as NodeJS.ErrnoException).code
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : (code ?? (error as Error).message)
  return new UsageError(`${what}: cannot read ${path} (${reason})`)
}

/** A text file a flag names (a JSON schema, a messages file): bounded, then decodeText. */
export function readTextFileSync(path: string, options: ReadOptions): string {
  return decodeText(readInputFileSync(path, options), `${options.what}: ${path}`)
}

export async function readTextFile(path: string, options: ReadOptions): Promise<string> {
  return readTextFileSync(path, options)
}

/** All of stdin up to maxBytes (default 10 MB); more is an error as soon as it arrives, not after reading it all. */
export async function readStdinBytes(io: IO, options: Partial<ReadOptions> = {}): Promise<Buffer> {
  const what = options.what ?? 'stdin'
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_STDIN
  const chunks: Buffer[] = []
  let size = 0
  const stdin = io.stdin as NodeJS.ReadableStream & {destroy?(): void}
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += bytes.length
    if (size > maxBytes) {
      stdin.destroy?.()
      throw tooLarge(what, 'the input', maxBytes, options.raise ?? 'groq config set max_stdin 50MB')
    }
    chunks.push(bytes)
  }
  return Buffer.concat(chunks)
}

/** stdin as text: bounded (readStdinBytes) and checked (decodeText). */
export async function readStdinText(io: IO, options: Partial<ReadOptions> = {}): Promise<string> {
  return decodeText(await readStdinBytes(io, options), options.what ?? 'stdin')
}

/**
 * Bytes to text: UTF-8 (a leading BOM dropped), or UTF-16 when it starts with a UTF-16 BOM (what some Windows
 * tools write). A NUL byte (binary data) or invalid UTF-8 is refused, naming where, instead of becoming U+FFFD.
 */
export function decodeText(bytes: Buffer, what: string): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le')
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2))
    swapped.swap16()
    return swapped.toString('utf16le')
  }
  const nul = bytes.indexOf(0)
  if (nul !== -1) throw new UsageError(`${what} looks binary (a NUL byte at offset ${nul}); give text`)
  if (!isUtf8(bytes)) {
    throw new UsageError(`${what} is not UTF-8 text (an invalid byte at offset ${firstInvalidUtf8(bytes)})`)
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  return bytes.toString('utf8', start)
}

function isUtf8(bytes: Buffer): boolean {
  // buffer.isUtf8 (Node 18.14+) is a native check; the fallback decodes strictly.
  const native = (Buffer as unknown as {isUtf8?: (input: Uint8Array) => boolean}).isUtf8
  if (native) return native(bytes)
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(bytes)
    return true
  } catch {
    return false
  }
}

/** The offset of the first byte that breaks UTF-8 (only called once the check failed). */
function firstInvalidUtf8(bytes: Buffer): number {
  let index = 0
  while (index < bytes.length) {
    const byte = bytes[index]
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte < 0xe0
          ? 2
          : byte >= 0xe0 && byte < 0xf0
            ? 3
            : byte >= 0xf0 && byte < 0xf5
              ? 4
              : 0
    if (length === 0) return index
    if (length > 1) {
      if (index + length > bytes.length) return index
      if (!isUtf8(bytes.subarray(index, index + length))) return index
    }
    index += length
  }
  return index
}

/**
 * JSON.parse whose error says where the text stops being JSON (line and column) but never quotes it: V8's own
 * message repeats the start of the text, which for `--schema /etc/shadow` would be a password hash.
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    const offset = jsonErrorOffset(text)
    if (text.trim() === '') throw new UsageError(`${what} is empty, not JSON`)
    if (offset >= text.length)
      throw new UsageError(`${what} is not valid JSON (it ends early, at ${lineColumn(text, text.length)})`)
    throw new UsageError(`${what} is not valid JSON (at ${lineColumn(text, offset)})`)
  }
}

function lineColumn(text: string, offset: number): string {
  let line = 1
  let column = 1
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      line++
      column = 1
    } else column++
  }
  return `line ${line}, column ${column}`
}

/** Where a JSON text goes wrong: a small recursive-descent scanner, run only after JSON.parse failed. */
export function jsonErrorOffset(text: string): number {
  let index = 0
  const fail = (): never => {
    throw index
  }
  const space = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index])) index++
  }
  const literal = (word: string) => {
    for (const char of word) if (text[index++] !== char) fail2(index - 1)
  }
  const fail2 = (at: number): never => {
    index = at
    return fail()
  }
  const string = () => {
    index++ // the opening quote
    while (index < text.length) {
      const char = text.charCodeAt(index)
      if (char === 34) {
        index++
        return
      }
      if (char < 0x20) fail()
      if (char === 92) {
        const escape = text[index + 1]
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) fail2(index + 1)
          index += 6
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) index += 2
        else fail2(index + 1)
      } else index++
    }
    fail()
  }
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index, index + 400))
    if (!match) fail()
    index += match![0].length
  }
  const value = (depth: number): void => {
    if (depth > 10_000) fail()
    space()
    const char = text[index]
    if (char === '{') {
      index++
      space()
      if (text[index] === '}') {
        index++
        return
      }
      for (;;) {
        space()
        if (text[index] !== '"') fail()
        string()
        space()
        if (text[index] !== ':') fail()
        index++
        value(depth + 1)
        space()
        if (text[index] === ',') {
          index++
          continue
        }
        if (text[index] === '}') {
          index++
          return
        }
        fail()
      }
    } else if (char === '[') {
      index++
      space()
      if (text[index] === ']') {
        index++
        return
      }
      for (;;) {
        value(depth + 1)
        space()
        if (text[index] === ',') {
          index++
          continue
        }
        if (text[index] === ']') {
          index++
          return
        }
        fail()
      }
    } else if (char === '"') string()
    else if (char === 't') literal('true')
    else if (char === 'f') literal('false')
    else if (char === 'n') literal('null')
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number()
    else fail()
  }
  try {
    value(0)
    space()
    return index < text.length ? index : text.length
  } catch (error) {
    if (typeof error === 'number') return error
    return 0
  }
}

export interface Texts {
  texts: string[]
  /** Where text `index` came from, for an error: `TEXT 2`, `stdin line 3`. */
  source(index: number): string
}

/**
 * Texts from the command line, else one per line of piped stdin (`embed`, `rerank`). On a terminal with no
 * arguments there is nothing to read: a UsageError that says how to give them.
 */
export async function argsOrStdinLines(io: IO, args: string[], what: {arg: string; hint: string}): Promise<Texts> {
  if (args.length > 0) return {source: (index) => `${what.arg} ${index + 1}`, texts: args}
  if (isStdinTTY(io)) throw new UsageError(`No ${what.hint}: give ${what.arg} arguments or pipe one per line`)
  return {source: (index) => `stdin line ${index + 1}`, texts: splitLines(await readStdinText(io))}
}
