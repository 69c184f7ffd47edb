import {readFileSync} from 'node:fs'
import {basename, extname} from 'node:path'

import {UsageError} from '../core/errors.js'
import type {ChatMessage, ChatRequest, Role} from './types.js'

/**
 * Builds and validates the body of POST /openai/v1/chat/completions from the `groq chat` flags.
 *
 * Pure apart from reading the files named by flags: every range and enum below comes from
 * CreateChatCompletionRequest in Groq's OpenAPI spec (a unit test checks them against it), and any
 * bad value is refused here, naming the flag, before a request is made. The body never contains
 * `stream`: the sender decides that. Tests can take what this returns and send it anywhere (nock,
 * Prism) with `stream: false`.
 */

export const DEFAULT_CHAT_MODEL = 'llama-3.3-70b-versatile'

/** The flag values as typed (numbers stay text so an error can quote them). */
export interface ChatFlags {
  'citation-options'?: string
  'compound-custom'?: string
  'disable-tool-validation'?: boolean
  document?: string[]
  'frequency-penalty'?: string
  image?: string[]
  'include-reasoning'?: boolean
  'logit-bias'?: string
  logprobs?: boolean
  'max-tokens'?: string
  message?: string[]
  messages?: string
  model?: string
  n?: string
  'parallel-tool-calls'?: boolean
  param?: string[]
  'presence-penalty'?: string
  'reasoning-effort'?: string
  'reasoning-format'?: string
  'response-format'?: string
  schema?: string
  'search-settings'?: string
  seed?: string
  'service-tier'?: string
  stop?: string[]
  system?: string
  temperature?: string
  tool?: string[]
  'tool-choice'?: string
  'top-logprobs'?: string
  'top-p'?: string
  user?: string
}

export interface BuildOptions {
  /** The default model (config `model.chat`), used when --model is not given. */
  defaultModel?: string
  /** Earlier messages (a continued conversation), placed after the system prompt. */
  history?: ChatMessage[]
  /** Reads a file named by a flag; injectable for tests. Default: fs.readFileSync. */
  readFile?: (path: string) => Buffer
  /**
   * False for the REPL: no message yet is fine; the body then holds the model, the parameters and
   * any system/--message/--messages messages, and each turn appends to `messages`. Default true.
   */
  requireMessage?: boolean
  /** Reads stdin for `--messages -` (already read by the caller). */
  stdinText?: string
  /** The user's text for this turn (stdin and/or the prompt argument, already joined), if any. */
  userText?: string
}

interface NumberSpec {
  flag: keyof ChatFlags
  integer?: boolean
  max?: number
  min?: number
}

/** Numeric body fields and their ranges, from the spec (max_completion_tokens: at least 1, our rule). */
export const NUMBER_PARAMS: Record<string, NumberSpec> = {
  temperature: {flag: 'temperature', max: 2, min: 0},
  top_p: {flag: 'top-p', max: 1, min: 0},
  max_completion_tokens: {flag: 'max-tokens', integer: true, min: 1},
  seed: {flag: 'seed', integer: true},
  n: {flag: 'n', integer: true, max: 1, min: 1},
  frequency_penalty: {flag: 'frequency-penalty', max: 2, min: -2},
  presence_penalty: {flag: 'presence-penalty', max: 2, min: -2},
  top_logprobs: {flag: 'top-logprobs', integer: true, max: 20, min: 0},
}

/** Enum body fields and their values, from the spec. */
export const ENUM_PARAMS = {
  citation_options: {flag: 'citation-options', values: ['enabled', 'disabled']},
  reasoning_effort: {flag: 'reasoning-effort', values: ['none', 'default', 'low', 'medium', 'high']},
  reasoning_format: {flag: 'reasoning-format', values: ['hidden', 'raw', 'parsed']},
  service_tier: {flag: 'service-tier', values: ['auto', 'on_demand', 'flex', 'performance']},
} as const satisfies Record<string, {flag: keyof ChatFlags; values: readonly string[]}>

export const RESPONSE_FORMATS = ['text', 'json_object', 'json_schema'] as const
export const TOOL_CHOICES = ['none', 'auto', 'required'] as const
export const BUILTIN_TOOLS = ['browser_search', 'code_interpreter'] as const
/** `--message role=content` roles; tool and function messages need more fields: use --messages. */
export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant'] as const
const FILE_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function'])
export const MAX_STOP = 4
export const MAX_TOOLS = 128
const NAME_PATTERN = /^[\w-]{1,64}$/

/** Builds the request body; throws UsageError naming the flag on any bad value. */
export function buildRequest(flags: ChatFlags, options: BuildOptions = {}): ChatRequest {
  const read = options.readFile ?? ((path: string) => readFileSync(path))
  const model = flags.model ?? options.defaultModel ?? DEFAULT_CHAT_MODEL
  if (!model.trim()) throw new UsageError('--model: must not be empty')

  const messages: ChatMessage[] = []
  if (flags.system !== undefined) messages.push({role: 'system', content: flags.system})
  if (options.history) messages.push(...options.history)
  if (flags.messages !== undefined) messages.push(...readMessagesFile(flags.messages, read, options.stdinText))
  for (const entry of flags.message ?? []) messages.push(parseMessageFlag(entry))
  const user = userMessage(options.userText, flags.image ?? [], read)
  if (user) messages.push(user)
  if (messages.length === 0 && options.requireMessage !== false)
    throw new UsageError('No message to send: give a prompt, pipe text on stdin, or use --message/--messages')

  const body: ChatRequest = {model, messages}

  for (const [field, spec] of Object.entries(NUMBER_PARAMS)) {
    const raw = flags[spec.flag] as string | undefined
    if (raw !== undefined) body[field] = parseNumber(raw, spec)
  }
  for (const [field, spec] of Object.entries(ENUM_PARAMS)) {
    const raw = flags[spec.flag] as string | undefined
    if (raw !== undefined) body[field] = oneOf(raw, spec.values, `--${spec.flag}`)
  }

  if (flags.stop !== undefined && flags.stop.length > 0) {
    if (flags.stop.length > MAX_STOP)
      throw new UsageError(`--stop: at most ${MAX_STOP} sequences (got ${flags.stop.length})`)
    if (flags.stop.some((stop) => stop === '')) throw new UsageError('--stop: a stop sequence must not be empty')
    body.stop = flags.stop
  }
  if (flags.user !== undefined) body.user = flags.user
  if (flags.logprobs !== undefined) body.logprobs = flags.logprobs
  if (body.top_logprobs !== undefined && flags.logprobs !== true) {
    throw new UsageError('--top-logprobs: needs --logprobs (the API requires logprobs=true with it)')
  }
  if (flags['logit-bias'] !== undefined) body.logit_bias = parseLogitBias(flags['logit-bias'], read)

  if (flags['include-reasoning'] !== undefined) {
    if (flags['reasoning-format'] !== undefined) {
      throw new UsageError(
        '--include-reasoning and --reasoning-format cannot be used together (the API treats them as mutually exclusive)',
      )
    }
    body.include_reasoning = flags['include-reasoning']
  }

  const responseFormat = buildResponseFormat(flags, read)
  if (responseFormat) body.response_format = responseFormat

  const tools = (flags.tool ?? []).flatMap((value) => parseTool(value, read))
  if (tools.length > MAX_TOOLS) throw new UsageError(`--tool: at most ${MAX_TOOLS} tools (got ${tools.length})`)
  if (tools.length > 0) body.tools = tools
  if (flags['tool-choice'] !== undefined) body.tool_choice = parseToolChoice(flags['tool-choice'], tools)
  if (flags['parallel-tool-calls'] !== undefined) body.parallel_tool_calls = flags['parallel-tool-calls']
  if (flags['disable-tool-validation'] !== undefined) body.disable_tool_validation = flags['disable-tool-validation']

  if (flags.document !== undefined && flags.document.length > 0) {
    body.documents = flags.document.map((value) => parseDocument(value, read))
  }
  if (flags['search-settings'] !== undefined) {
    body.search_settings = readJsonObject('--search-settings', flags['search-settings'], read)
  }
  if (flags['compound-custom'] !== undefined) {
    body.compound_custom = readJsonObject('--compound-custom', flags['compound-custom'], read)
  }

  for (const entry of flags.param ?? []) applyParam(body, entry)
  return body
}

/** stdin and the prompt argument as one user message text: stdin first, a blank line, then the prompt. */
export function joinUserText(prompt: string | undefined, stdin: string | undefined): string | undefined {
  const piped = stdin === undefined ? undefined : stdin.replace(/(\r?\n)+$/, '')
  const hasPiped = piped !== undefined && piped.trim() !== ''
  if (prompt === '-') {
    if (!hasPiped) throw new UsageError('The prompt is "-" (read stdin), but stdin is empty')
    return piped
  }
  if (prompt !== undefined && hasPiped) return `${piped}\n\n${prompt}`
  if (prompt !== undefined) return prompt
  return hasPiped ? piped : undefined
}

function parseNumber(raw: string, spec: NumberSpec): number {
  const flag = `--${spec.flag}`
  const text = raw.trim()
  const value = text === '' ? Number.NaN : Number(text)
  const range = rangeText(spec)
  if (!Number.isFinite(value) || (spec.integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag}: "${raw}" is not ${spec.integer ? 'a whole number' : 'a number'}${range}`)
  }
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    throw new UsageError(`${flag}: ${raw} is out of range${range}`)
  }
  return value
}

function rangeText(spec: NumberSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) {
    return spec.min === spec.max ? ` (must be ${spec.min})` : ` (must be from ${spec.min} to ${spec.max})`
  }
  if (spec.min !== undefined) return ` (must be ${spec.min} or more)`
  return ''
}

function oneOf<T extends string>(raw: string, values: readonly T[], flag: string): T {
  if (!(values as readonly string[]).includes(raw)) {
    throw new UsageError(`${flag}: "${raw}" must be one of ${values.join(', ')}`)
  }
  return raw as T
}

/** A flag value that is inline JSON (starts with { or [) or else the path of a JSON file. */
function readJson(flag: string, value: string, read: (path: string) => Buffer): unknown {
  const inline = /^\s*[[{]/.test(value)
  const text = inline ? value : readText(flag, value, read)
  try {
    return JSON.parse(text)
  } catch (error) {
    const where = inline ? 'is not valid JSON' : `${value} is not valid JSON`
    throw new UsageError(`${flag}: ${where} (${(error as Error).message})`)
  }
}

function readJsonObject(flag: string, value: string, read: (path: string) => Buffer): Record<string, unknown> {
  const parsed = readJson(flag, value, read)
  if (!isObject(parsed)) throw new UsageError(`${flag}: expected a JSON object`)
  return parsed
}

function readText(flag: string, path: string, read: (path: string) => Buffer): string {
  return readBytes(flag, path, read).toString('utf8')
}

function readBytes(flag: string, path: string, read: (path: string) => Buffer): Buffer {
  try {
    return read(path)
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message
    throw new UsageError(`${flag}: cannot read ${path} (${reason})`)
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function readMessagesFile(path: string, read: (path: string) => Buffer, stdinText: string | undefined): ChatMessage[] {
  let parsed: unknown
  const text = path === '-' ? (stdinText ?? '') : readText('--messages', path, read)
  const where = path === '-' ? 'stdin' : path
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--messages: ${where} is not valid JSON (${(error as Error).message})`)
  }
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

function parseMessageFlag(entry: string): ChatMessage {
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

function userMessage(
  text: string | undefined,
  images: string[],
  read: (path: string) => Buffer,
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
export function imageURL(value: string, read: (path: string) => Buffer = (path) => readFileSync(path)): string {
  if (/^https?:\/\//i.test(value) || /^data:image\/[\w.+-]+;base64,/i.test(value)) return value
  const bytes = readBytes('--image', value, read)
  const match = IMAGE_SIGNATURES.find((signature) => signature.test(bytes))
  if (!match) throw new UsageError(`--image: ${value} is not a PNG, JPEG, GIF, WebP or BMP image`)
  return `data:${match.mime};base64,${bytes.toString('base64')}`
}

function buildResponseFormat(flags: ChatFlags, read: (path: string) => Buffer): Record<string, unknown> | undefined {
  const type =
    flags['response-format'] === undefined
      ? undefined
      : oneOf(flags['response-format'], RESPONSE_FORMATS, '--response-format')
  if (flags.schema === undefined) {
    if (type === 'json_schema') throw new UsageError('--response-format json_schema: needs --schema FILE|JSON')
    return type ? {type} : undefined
  }
  if (type !== undefined && type !== 'json_schema') {
    throw new UsageError(`--schema: only goes with --response-format json_schema (got ${type})`)
  }
  const parsed = readJsonObject('--schema', flags.schema, read)
  // Either the `json_schema` object itself ({name, schema, strict?}) or a bare JSON Schema.
  if (isObject(parsed.schema) && typeof parsed.name === 'string') {
    if (!NAME_PATTERN.test(parsed.name))
      throw new UsageError(`--schema: name "${parsed.name}" must be 1-64 of a-z, A-Z, 0-9, _ and -`)
    return {type: 'json_schema', json_schema: parsed}
  }
  const inline = /^\s*\{/.test(flags.schema)
  const fromFile = inline
    ? ''
    : basename(flags.schema, extname(flags.schema))
        .replaceAll(/[^\w-]/g, '_')
        .slice(0, 64)
  return {type: 'json_schema', json_schema: {name: fromFile || 'response', schema: parsed}}
}

function parseTool(value: string, read: (path: string) => Buffer): Record<string, unknown>[] {
  const trimmed = value.trim()
  if ((BUILTIN_TOOLS as readonly string[]).includes(trimmed) && !fileExists(trimmed, read)) return [{type: trimmed}]
  const parsed = readJson('--tool', value, read)
  const items = Array.isArray(parsed) ? parsed : [parsed]
  return items.map((item, index) => {
    const at = Array.isArray(parsed)
      ? `--tool: ${value}: tool ${index + 1}`
      : `--tool: ${value.length > 60 ? 'value' : value}`
    if (!isObject(item)) throw new UsageError(`${at} is not an object`)
    // A bare function definition ({name, parameters}) is wrapped as a function tool.
    const tool = item.type === undefined && typeof item.name === 'string' ? {type: 'function', function: item} : item
    if (typeof tool.type !== 'string') throw new UsageError(`${at} has no "type"`)
    if (tool.type === 'function') {
      const fn = tool.function
      if (!isObject(fn) || typeof fn.name !== 'string') throw new UsageError(`${at} has no function.name`)
      if (!NAME_PATTERN.test(fn.name))
        throw new UsageError(`${at}: function name "${fn.name}" must be 1-64 of a-z, A-Z, 0-9, _ and -`)
      if (fn.parameters !== undefined && !isObject(fn.parameters))
        throw new UsageError(`${at}: function.parameters must be a JSON Schema object`)
    }
    return tool
  })
}

function fileExists(path: string, read: (path: string) => Buffer): boolean {
  try {
    read(path)
    return true
  } catch {
    return false
  }
}

function parseToolChoice(value: string, tools: Record<string, unknown>[]): unknown {
  if ((TOOL_CHOICES as readonly string[]).includes(value)) return value
  if (/^\s*\{/.test(value)) {
    let parsed: unknown
    try {
      parsed = JSON.parse(value)
    } catch (error) {
      throw new UsageError(`--tool-choice: is not valid JSON (${(error as Error).message})`)
    }
    if (!isObject(parsed) || !isObject(parsed.function) || typeof parsed.function.name !== 'string') {
      throw new UsageError('--tool-choice: a JSON value must be {"type":"function","function":{"name":"…"}}')
    }
    return parsed
  }
  const names = tools.filter((tool) => tool.type === 'function').map((tool) => (tool.function as {name: string}).name)
  if (!names.includes(value)) {
    const known =
      names.length > 0 ? `: the --tool functions are ${names.join(', ')}` : ' and no --tool defines a function'
    throw new UsageError(`--tool-choice: "${value}" is not ${TOOL_CHOICES.join(', ')} or a function name${known}`)
  }
  return {type: 'function', function: {name: value}}
}

function parseLogitBias(value: string, read: (path: string) => Buffer): Record<string, number> {
  const parsed = readJsonObject('--logit-bias', value, read)
  for (const [token, bias] of Object.entries(parsed)) {
    if (!Number.isInteger(bias))
      throw new UsageError(`--logit-bias: the bias for token ${token} must be a whole number`)
  }
  return parsed as Record<string, number>
}

/** A document: {id?, source} JSON as is, other JSON as a json source, any other file as a text source. */
function parseDocument(value: string, read: (path: string) => Buffer): Record<string, unknown> {
  if (/^\s*\{/.test(value)) {
    const parsed = readJsonObject('--document', value, read)
    return isObject(parsed.source) ? parsed : {source: {type: 'json', data: parsed}}
  }
  if (extname(value).toLowerCase() === '.json') {
    const parsed = readJsonObject('--document', value, read)
    return isObject(parsed.source) ? parsed : {source: {type: 'json', data: parsed}}
  }
  return {source: {type: 'text', text: readText('--document', value, read)}}
}

/** `--param key=value`: value is JSON when it parses, else a string; `a.b=1` sets a nested field. */
export function applyParam(body: ChatRequest, entry: string): void {
  const equals = entry.indexOf('=')
  const key = equals === -1 ? '' : entry.slice(0, equals).trim()
  if (!key) throw new UsageError(`--param: "${entry}" must be key=value`)
  const raw = entry.slice(equals + 1)
  let value: unknown = raw
  try {
    value = JSON.parse(raw)
  } catch {
    // not JSON: a string
  }
  const path = key.split('.')
  if (path[0] === 'stream') throw new UsageError('--param: stream is decided by --stream/--no-stream')
  if (path.some((part) => part === '' || part === '__proto__' || part === 'constructor' || part === 'prototype')) {
    throw new UsageError(`--param: "${key}" is not a valid key`)
  }
  let target: Record<string, unknown> = body
  for (const part of path.slice(0, -1)) {
    if (!isObject(target[part])) target[part] = {}
    target = target[part] as Record<string, unknown>
  }
  target[path.at(-1)!] = value
}
