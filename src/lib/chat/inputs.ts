import {existsSync} from 'node:fs'

import {UsageError} from '../core/errors.js'
import {isObject, type ReadFile, readFileValue, readTextValue} from '../core/flag-values.js'
import {parseJsonText} from '../core/input.js'
import type {ChatMessage, Role} from './types.js'

/**
 * What `groq chat` reads from files and flag text before a request: FILE|JSON values, `--messages FILE`,
 * `--message role=content`, and images. Every failure is a UsageError naming the flag and the file.
 */

/** `--message role=content` roles; tool and function messages need more fields: use --messages. */
export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant'] as const
const FILE_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function'])

/** Files named by chat's flags are read bounded, naming the flag (core/flag-values.ts), unless a test injects `read`. */
export const readText = (flag: string, path: string, read: ReadFile | undefined): string =>
  readTextValue(flag, path, read)

export function fileExists(path: string, read: ReadFile | undefined): boolean {
  try {
    if (!read) return existsSync(path)
    read(path)
    return true
  } catch {
    return false
  }
}

/** `--messages FILE` (or `-`: stdin, already read): a JSON array of messages, checked item by item. */
export function readMessagesFile(
  path: string,
  read: ReadFile | undefined,
  stdinText: string | undefined,
): ChatMessage[] {
  const text = path === '-' ? (stdinText ?? '') : readText('--messages', path, read)
  const where = path === '-' ? 'stdin' : path
  const parsed = parseJsonText(text, `--messages: ${where}`)
  if (!Array.isArray(parsed)) throw new UsageError(`--messages: ${where} must hold a JSON array of messages`)
  return parsed.map((item, index) => {
    const at = `--messages: ${where}: message ${index + 1}`
    if (!isObject(item)) throw new UsageError(`${at} is not an object`)
    if (typeof item.role !== 'string' || !FILE_ROLES.has(item.role)) {
      throw new UsageError(`${at} has no valid role (one of ${[...FILE_ROLES].join(', ')})`)
    }
    if (item.role !== 'assistant' && !('content' in item)) throw new UsageError(`${at} has no content`)
    if (item.role === 'tool' && typeof item.tool_call_id !== 'string')
      throw new UsageError(`${at} (a tool message) has no tool_call_id`)
    return item as ChatMessage
  })
}

export function parseMessageFlag(entry: string): ChatMessage {
  const equals = entry.indexOf('=')
  const role = equals === -1 ? entry : entry.slice(0, equals)
  if (equals === -1 || !(MESSAGE_ROLES as readonly string[]).includes(role)) {
    const hint =
      role === 'tool' || role === 'function' ? ' (tool messages need a tool_call_id: use --messages FILE)' : ''
    throw new UsageError(
      `--message: "${entry}" must be role=content with role one of ${MESSAGE_ROLES.join(', ')}${hint}`,
    )
  }
  return {role: role as Role, content: entry.slice(equals + 1)}
}

/** This turn's user message: the text, and the images as content parts after it. */
export function userMessage(
  text: string | undefined,
  images: string[],
  read: ReadFile | undefined,
): ChatMessage | undefined {
  if (images.length === 0) return text === undefined ? undefined : {role: 'user', content: text}
  const parts: unknown[] = []
  if (text !== undefined) parts.push({type: 'text', text})
  for (const image of images) parts.push({type: 'image_url', image_url: {url: imageURL(image, read)}})
  return {role: 'user', content: parts}
}

/** Image types vision models take, recognised by their first bytes (the extension may lie). */
const IMAGE_SIGNATURES: Array<{mime: string; test(bytes: Buffer): boolean}> = [
  {
    mime: 'image/png',
    test: (b) => b.length > 8 && b.readUInt32BE(0) === 0x89_50_4e_47 && b.readUInt32BE(4) === 0x0d_0a_1a_0a,
  },
  {mime: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff},
  {mime: 'image/gif', test: (b) => b.length > 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))},
  {
    mime: 'image/webp',
    test: (b) =>
      b.length > 12 &&
      b.subarray(0, 4).toString('latin1') === 'RIFF' &&
      b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  {mime: 'image/bmp', test: (b) => b.length > 2 && b[0] === 0x42 && b[1] === 0x4d},
]

/** An image URL as is, or a local file as a base64 data URL with its real mime type. */
export function imageURL(value: string, read?: ReadFile): string {
  if (/^https?:\/\//i.test(value) || /^data:image\/[\w.+-]+;base64,/i.test(value)) return value
  const bytes = readFileValue('--image', value, read)
  const match = IMAGE_SIGNATURES.find((signature) => signature.test(bytes))
  if (!match) throw new UsageError(`--image: ${value} is not a PNG, JPEG, GIF, WebP or BMP image`)
  return `data:${match.mime};base64,${bytes.toString('base64')}`
}
