import {basename, extname} from 'node:path'

import {UsageError} from '../core/errors.js'
import {isObject, type ReadFile, readJsonObjectValue, readJsonValue} from '../core/flag-values.js'
import {fileExists, parseMessageFlag, readMessagesFile, readText, userMessage} from './inputs.js'
import {
  CHAT_PARAMS,
  type ChatParam,
  checkFlagValue,
  MAX_STOP,
  MAX_TOOLS,
  OWN_FIELDS,
  readNumberFlag,
  RESPONSE_FORMATS,
  TOOL_CHOICES,
} from './params.js'
import type {ChatMessage, ChatRequest} from './types.js'

/**
 * Builds and validates the body of POST /openai/v1/chat/completions from the `groq chat` flags.
 *
 * Pure apart from reading the files named by flags: the parameters, their flags, ranges and enums are the table
 * of chat/params.ts, and any bad value is refused here, naming the flag, before a request is made. The body never
 * contains `stream`: the sender decides that. Tests can take what this returns and send it anywhere (nock, Prism)
 * with `stream: false`.
 */

export const DEFAULT_CHAT_MODEL = 'llama-3.3-70b-versatile'
export const BUILTIN_TOOLS = ['browser_search', 'code_interpreter'] as const
const NAME_PATTERN = /^[\w-]{1,64}$/

/** The flag values as typed (numbers stay text so an error can quote them). */
export interface ChatFlags {
  image?: string[]
  message?: string[]
  messages?: string
  model?: string
  param?: string[]
  schema?: string
  system?: string
  /** The parameter flags of chat/params.ts by flag name: text, a list (repeatable flags), or a boolean. */
  [flag: string]: boolean | string | string[] | undefined
}

export interface BuildOptions {
  /** The default model (config `model.chat`), used when --model is not given. */
  defaultModel?: string
  /** Earlier messages (a continued conversation), placed after the system prompt. */
  history?: ChatMessage[]
  /** Reads a file named by a flag; injectable for tests. Default: fs.readFileSync. */
  readFile?: ReadFile
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

/** Builds the request body; throws UsageError naming the flag on any bad value. */
export function buildRequest(flags: ChatFlags, options: BuildOptions = {}): ChatRequest {
  // Undefined unless a test injects one: files are then read bounded, naming the flag (core/flag-values.ts).
  const read = options.readFile
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
  let tools: Record<string, unknown>[] = []
  for (const param of CHAT_PARAMS) {
    const raw = param.flag === undefined ? undefined : flags[param.flag]
    if (raw === undefined) continue
    if (param.field === 'tools') tools = (raw as string[]).flatMap((value) => parseTool(value, read))
    const value = param.built ? buildField(param, raw, flags, tools, read) : readFlag(param, raw, read)
    if (value !== undefined) body[param.field] = value
  }
  if (flags.schema !== undefined && body.response_format === undefined)
    body.response_format = buildResponseFormat(undefined, flags.schema, read)

  if (body.top_logprobs !== undefined && flags.logprobs !== true) {
    throw new UsageError('--top-logprobs: needs --logprobs (the API requires logprobs=true with it)')
  }
  if (flags['include-reasoning'] !== undefined && flags['reasoning-format'] !== undefined) {
    throw new UsageError(
      '--include-reasoning and --reasoning-format cannot be used together (the API treats them as mutually exclusive)',
    )
  }

  for (const entry of flags.param ?? []) applyParam(body, entry)
  return body
}

/** A flag's value as the API field wants it: numbers, enums, booleans, strings, FILE|JSON objects. */
function readFlag(param: ChatParam, raw: boolean | string | string[], read: ReadFile | undefined): unknown {
  const label = `--${param.flag}`
  const {type} = param
  if (typeof raw !== 'string') return raw // boolean flags (oclif already read them)
  switch (type.kind) {
    case 'integer':
    case 'number': {
      return readNumberFlag(label, raw, type)
    }
    case 'logit_bias':
    case 'object': {
      return checkFlagValue(label, raw, type, readJsonObjectValue(label, raw, read))
    }
    default: {
      return checkFlagValue(label, raw, type, raw)
    }
  }
}

/** The fields a flag builds from files or together with other flags. */
function buildField(
  param: ChatParam,
  raw: boolean | string | string[],
  flags: ChatFlags,
  tools: Record<string, unknown>[],
  read: ReadFile | undefined,
): unknown {
  const values = raw as string[]
  switch (param.field) {
    case 'stop': {
      if (values.length === 0) return undefined
      if (values.length > MAX_STOP) throw new UsageError(`--stop: at most ${MAX_STOP} sequences (got ${values.length})`)
      if (values.includes('')) throw new UsageError('--stop: a stop sequence must not be empty')
      return values
    }
    case 'response_format': {
      return buildResponseFormat(raw as string, flags.schema, read)
    }
    case 'tools': {
      if (tools.length > MAX_TOOLS) throw new UsageError(`--tool: at most ${MAX_TOOLS} tools (got ${tools.length})`)
      return tools.length > 0 ? tools : undefined
    }
    case 'tool_choice': {
      return parseToolChoice(raw as string, tools)
    }
    case 'documents': {
      return values.length > 0 ? values.map((value) => parseDocument(value, read)) : undefined
    }
    default: {
      throw new Error(`chat/params.ts marks ${param.field} as built, but request.ts does not build it`)
    }
  }
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

/** A prompt argument that is empty or blank is a mistake (an unset shell variable, say), not a question. */
export function checkPrompt(prompt: string | undefined): void {
  if (prompt !== undefined && prompt.trim() === '') {
    throw new UsageError(
      `PROMPT: ${prompt === '' ? 'is empty' : 'is blank'}: give a question, or leave it out to read stdin`,
    )
  }
}

function buildResponseFormat(
  format: string | undefined,
  schema: string | undefined,
  read: ReadFile | undefined,
): Record<string, unknown> | undefined {
  if (format !== undefined && !(RESPONSE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--response-format: "${format}" must be one of ${RESPONSE_FORMATS.join(', ')}`)
  }
  if (schema === undefined) {
    if (format === 'json_schema') throw new UsageError('--response-format json_schema: needs --schema FILE|JSON')
    return format ? {type: format} : undefined
  }
  if (format !== undefined && format !== 'json_schema') {
    throw new UsageError(`--schema: only goes with --response-format json_schema (got ${format})`)
  }
  const parsed = readJsonObjectValue('--schema', schema, read)
  // Either the `json_schema` object itself ({name, schema, strict?}) or a bare JSON Schema.
  if (isObject(parsed.schema) && typeof parsed.name === 'string') {
    if (!NAME_PATTERN.test(parsed.name))
      throw new UsageError(`--schema: name "${parsed.name}" must be 1-64 of a-z, A-Z, 0-9, _ and -`)
    return {type: 'json_schema', json_schema: parsed}
  }
  const inline = /^\s*\{/.test(schema)
  const fromFile = inline
    ? ''
    : basename(schema, extname(schema))
        .replaceAll(/[^\w-]/g, '_')
        .slice(0, 64)
  return {type: 'json_schema', json_schema: {name: fromFile || 'response', schema: parsed}}
}

function parseTool(value: string, read: ReadFile | undefined): Record<string, unknown>[] {
  const trimmed = value.trim()
  if ((BUILTIN_TOOLS as readonly string[]).includes(trimmed) && !fileExists(trimmed, read)) return [{type: trimmed}]
  const parsed = readJsonValue('--tool', value, read)
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

/** A document: {id?, source} JSON as is, other JSON as a json source, any other file as a text source. */
function parseDocument(value: string, read: ReadFile | undefined): Record<string, unknown> {
  if (/^\s*\{/.test(value) || extname(value).toLowerCase() === '.json') {
    const parsed = readJsonObjectValue('--document', value, read)
    return isObject(parsed.source) ? parsed : {source: {type: 'json', data: parsed}}
  }
  return {source: {type: 'text', text: readText('--document', value, read)}}
}

/**
 * `--param key=value`: value is JSON when it parses, else a string; `a.b=1` sets a nested field. The escape hatch:
 * values are sent as given, unchecked (the API judges them), but the fields the CLI builds itself (messages,
 * stream) are refused.
 */
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
  const [field] = path
  if (field === 'stream' || field === 'messages') throw new UsageError(`--param: ${OWN_FIELDS[field]}`)
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
