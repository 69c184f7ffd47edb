import {basename, extname} from 'node:path'

import {UsageError} from '../core/errors.js'
import {
  isObject,
  oneOf,
  parseKeyValue,
  parseNumberValue,
  type ReadFile,
  readJsonObjectValue,
  readJsonValue,
} from '../core/flag-values.js'

/**
 * Builds and checks the body of POST /openai/v1/responses from `groq responses create` flags. Every field of the
 * spec's CreateResponseRequest has a flag; ranges and enums below are the spec's, and a bad value is refused
 * here (exit 2, naming the flag) before any request. `stream` is set by the sender.
 */

export const RESPONSES_PATH = '/openai/v1/responses'
export const DEFAULT_RESPONSES_MODEL = 'llama-3.3-70b-versatile'

export const REASONING_EFFORTS = ['low', 'medium', 'high'] as const
export const SERVICE_TIERS = ['auto', 'default', 'flex'] as const
export const TRUNCATIONS = ['auto', 'disabled'] as const
export const TEXT_FORMATS = ['text', 'json_object', 'json_schema'] as const
export const TOOL_CHOICES = ['none', 'auto', 'required'] as const
export const MAX_TOOLS = 128
export const MAX_METADATA = 16
const NAME_PATTERN = /^[\w-]{1,64}$/

export interface ResponsesFlags {
  'input-items'?: string
  instructions?: string
  'max-output-tokens'?: string
  metadata?: string[]
  model?: string
  'parallel-tool-calls'?: boolean
  'reasoning-effort'?: string
  schema?: string
  'service-tier'?: string
  store?: boolean
  temperature?: string
  'text-format'?: string
  tool?: string[]
  'tool-choice'?: string
  'top-p'?: string
  truncation?: string
  user?: string
}

export interface BuildResponseOptions {
  defaultModel?: string
  readFile?: ReadFile
  /** Stdin, already read, for `--input-items -`. */
  stdinText?: string
  /** The user's text (prompt and/or piped stdin, already joined). */
  userText?: string
}

export type ResponseRequest = Record<string, unknown> & {input: string | unknown[]; model: string}

export function buildResponseRequest(flags: ResponsesFlags, options: BuildResponseOptions = {}): ResponseRequest {
  const read = options.readFile
  const model = flags.model ?? options.defaultModel ?? DEFAULT_RESPONSES_MODEL
  if (!model.trim()) throw new UsageError('--model: must not be empty')

  const items =
    flags['input-items'] === undefined ? undefined : readItems(flags['input-items'], read, options.stdinText)
  const text = options.userText
  if (text !== undefined && text.trim() === '') throw new UsageError('The input is empty')
  let input: string | unknown[]
  if (items) input = text === undefined ? items : [...items, {content: text, role: 'user'}]
  else if (text !== undefined) input = text
  else throw new UsageError('No input: give INPUT, pipe text on stdin, or use --input-items')

  const body: ResponseRequest = {input, model}
  if (flags.instructions !== undefined) body.instructions = flags.instructions
  if (flags['max-output-tokens'] !== undefined) {
    body.max_output_tokens = parseNumberValue('--max-output-tokens', flags['max-output-tokens'], {
      integer: true,
      min: 1,
    })
  }
  if (flags.temperature !== undefined)
    body.temperature = parseNumberValue('--temperature', flags.temperature, {max: 2, min: 0})
  if (flags['top-p'] !== undefined) body.top_p = parseNumberValue('--top-p', flags['top-p'], {max: 1, min: 0})

  const tools = (flags.tool ?? []).flatMap((value) => parseTool(value, read))
  if (tools.length > MAX_TOOLS) throw new UsageError(`--tool: at most ${MAX_TOOLS} tools (got ${tools.length})`)
  if (tools.length > 0) body.tools = tools
  if (flags['tool-choice'] !== undefined) body.tool_choice = parseToolChoice(flags['tool-choice'], tools)
  if (flags['parallel-tool-calls'] !== undefined) body.parallel_tool_calls = flags['parallel-tool-calls']

  const format = textFormat(flags, read)
  if (format) body.text = {format}
  if (flags['reasoning-effort'] !== undefined) {
    body.reasoning = {effort: oneOf('--reasoning-effort', flags['reasoning-effort'], REASONING_EFFORTS)}
  }
  if (flags.metadata !== undefined && flags.metadata.length > 0) body.metadata = parseMetadata(flags.metadata)
  if (flags.store !== undefined) body.store = flags.store
  if (flags['service-tier'] !== undefined)
    body.service_tier = oneOf('--service-tier', flags['service-tier'], SERVICE_TIERS)
  if (flags.truncation !== undefined) body.truncation = oneOf('--truncation', flags.truncation, TRUNCATIONS)
  if (flags.user !== undefined) body.user = flags.user
  return body
}

function readItems(value: string, read: ReadFile | undefined, stdinText: string | undefined): unknown[] {
  let parsed: unknown
  if (value === '-') {
    if (stdinText === undefined || stdinText.trim() === '') throw new UsageError('--input-items -: stdin is empty')
    try {
      parsed = JSON.parse(stdinText)
    } catch (error) {
      throw new UsageError(
        `--input-items: stdin is not valid JSON (${(error as Error).message.replace(/,? ".*$/s, '')})`,
      )
    }
  } else {
    parsed = readJsonValue('--input-items', value, read)
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    throw new UsageError('--input-items: expected a non-empty JSON array of input items')
  const bad = parsed.findIndex((item) => !isObject(item))
  if (bad !== -1) throw new UsageError(`--input-items: item ${bad + 1} is not an object`)
  return parsed
}

/**
 * A Responses tool is flat: {type: "function", name, description?, parameters?, strict?}. A bare function
 * ({name, parameters}) and a Chat Completions tool ({type: "function", function: {...}}) are taken too, so the
 * same file serves `groq chat --tool`.
 */
function parseTool(value: string, read: ReadFile | undefined): Record<string, unknown>[] {
  const parsed = readJsonValue('--tool', value, read)
  const items = Array.isArray(parsed) ? parsed : [parsed]
  return items.map((item, index) => {
    const at = Array.isArray(parsed)
      ? `--tool: ${value}: tool ${index + 1}`
      : `--tool: ${value.length > 60 ? 'value' : value}`
    if (!isObject(item)) throw new UsageError(`${at} is not an object`)
    let tool: Record<string, unknown> = item
    if (isObject(item.function)) tool = {type: 'function', ...item.function}
    else if (item.type === undefined) tool = {type: 'function', ...item}
    if (tool.type !== 'function')
      throw new UsageError(`${at}: only function tools are supported (type "${String(tool.type)}")`)
    if (typeof tool.name !== 'string' || !NAME_PATTERN.test(tool.name)) {
      throw new UsageError(`${at}: the function name must be 1-64 of a-z, A-Z, 0-9, _ and -`)
    }
    if (tool.parameters !== undefined && !isObject(tool.parameters)) {
      throw new UsageError(`${at}: parameters must be a JSON Schema object`)
    }
    return tool
  })
}

function parseToolChoice(value: string, tools: Record<string, unknown>[]): unknown {
  if ((TOOL_CHOICES as readonly string[]).includes(value)) return value
  if (/^\s*\{/.test(value)) {
    const parsed = readJsonObjectValue('--tool-choice', value)
    if (parsed.type !== 'function' || !isObject(parsed.function) || typeof parsed.function.name !== 'string') {
      throw new UsageError('--tool-choice: a JSON value must be {"type":"function","function":{"name":"…"}}')
    }
    return parsed
  }
  const names = tools.map((tool) => tool.name as string)
  if (!names.includes(value)) {
    const known =
      names.length > 0 ? `: the --tool functions are ${names.join(', ')}` : ' and no --tool defines a function'
    throw new UsageError(`--tool-choice: "${value}" is not ${TOOL_CHOICES.join(', ')} or a function name${known}`)
  }
  return {function: {name: value}, type: 'function'}
}

/** `text.format`: --text-format alone, or --schema (a bare JSON Schema or a {name, schema, strict?} object). */
function textFormat(flags: ResponsesFlags, read: ReadFile | undefined): Record<string, unknown> | undefined {
  const type =
    flags['text-format'] === undefined ? undefined : oneOf('--text-format', flags['text-format'], TEXT_FORMATS)
  if (flags.schema === undefined) {
    if (type === 'json_schema') throw new UsageError('--text-format json_schema: needs --schema FILE|JSON')
    return type ? {type} : undefined
  }
  if (type !== undefined && type !== 'json_schema') {
    throw new UsageError(`--schema: only goes with --text-format json_schema (got ${type})`)
  }
  const parsed = readJsonObjectValue('--schema', flags.schema, read)
  if (isObject(parsed.schema) && typeof parsed.name === 'string') {
    if (!NAME_PATTERN.test(parsed.name))
      throw new UsageError(`--schema: name "${parsed.name}" must be 1-64 of a-z, A-Z, 0-9, _ and -`)
    return {...parsed, type: 'json_schema'}
  }
  const inline = /^\s*\{/.test(flags.schema)
  const fromFile = inline
    ? ''
    : basename(flags.schema, extname(flags.schema))
        .replaceAll(/[^\w-]/g, '_')
        .slice(0, 64)
  return {name: fromFile || 'response', schema: parsed, type: 'json_schema'}
}

function parseMetadata(entries: string[]): Record<string, string> {
  const metadata: Record<string, string> = {}
  for (const entry of entries) {
    const [key, value] = parseKeyValue('--metadata', entry)
    metadata[key] = value
  }
  const count = Object.keys(metadata).length
  if (count > MAX_METADATA) throw new UsageError(`--metadata: at most ${MAX_METADATA} pairs (got ${count})`)
  return metadata
}
