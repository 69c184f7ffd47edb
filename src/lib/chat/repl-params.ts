import {UsageError} from '../core/errors.js'

/** How a chat parameter's value is read from text, with the limits Groq's OpenAPI spec gives. */
type ParamSpec =
  | {kind: 'boolean'}
  | {kind: 'enum'; values: readonly string[]}
  | {kind: 'integer'; max?: number; min?: number}
  | {kind: 'json'}
  | {kind: 'number'; max: number; min: number}
  | {kind: 'response_format'}
  | {kind: 'stop'}
  | {kind: 'string'}

/** The parameters of POST /openai/v1/chat/completions a user may set from the REPL. */
export const CHAT_PARAMS: Record<string, ParamSpec> = {
  disable_tool_validation: {kind: 'boolean'},
  frequency_penalty: {kind: 'number', max: 2, min: -2},
  include_reasoning: {kind: 'boolean'},
  logit_bias: {kind: 'json'},
  logprobs: {kind: 'boolean'},
  max_completion_tokens: {kind: 'integer', min: 1},
  max_tokens: {kind: 'integer', min: 1},
  metadata: {kind: 'json'},
  n: {kind: 'integer', max: 1, min: 1},
  parallel_tool_calls: {kind: 'boolean'},
  presence_penalty: {kind: 'number', max: 2, min: -2},
  reasoning_effort: {kind: 'enum', values: ['none', 'default', 'low', 'medium', 'high']},
  reasoning_format: {kind: 'enum', values: ['hidden', 'raw', 'parsed']},
  response_format: {kind: 'response_format'},
  search_settings: {kind: 'json'},
  seed: {kind: 'integer'},
  service_tier: {kind: 'enum', values: ['auto', 'on_demand', 'flex', 'performance']},
  stop: {kind: 'stop'},
  store: {kind: 'boolean'},
  temperature: {kind: 'number', max: 2, min: 0},
  tool_choice: {kind: 'json'},
  tools: {kind: 'json'},
  top_logprobs: {kind: 'integer', max: 20, min: 0},
  top_p: {kind: 'number', max: 1, min: 0},
  user: {kind: 'string'},
}

/** Parameters the REPL owns: set through their own commands, or never by hand. */
const RESERVED: Record<string, string> = {
  messages: 'the REPL sends the history itself',
  model: 'use /model NAME',
  stream: 'the REPL decides streaming',
  stream_options: 'the REPL decides streaming',
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i
const TRUE = new Set(['1', 'on', 'true', 'yes'])
const FALSE = new Set(['0', 'false', 'no', 'off'])

/** `max-completion-tokens` and `max_completion_tokens` name the same parameter. */
export function paramName(raw: string): string {
  const name = raw.trim().replaceAll('-', '_')
  if (!/^[a-z][a-z0-9_]*$/i.test(name)) throw new UsageError(`Not a parameter name: ${raw}`)
  if (RESERVED[name]) throw new UsageError(`Cannot set ${name}: ${RESERVED[name]}`)
  return name
}

export interface ParsedParam {
  /** True when the name is not one Groq documents: the value is sent as given. */
  known: boolean
  name: string
  value: unknown
}

/** Reads `/set NAME VALUE`: known parameters are checked against the spec's types and ranges. */
export function parseParam(rawName: string, raw: string): ParsedParam {
  const name = paramName(rawName)
  const text = raw.trim()
  if (text === '') throw new UsageError(`Missing value: /set ${name} VALUE`)
  const spec = CHAT_PARAMS[name]
  if (!spec) return {known: false, name, value: parseLoose(text)}
  return {known: true, name, value: parseKnown(name, spec, text)}
}

function parseKnown(name: string, spec: ParamSpec, text: string): unknown {
  switch (spec.kind) {
    case 'boolean': {
      const lower = text.toLowerCase()
      if (TRUE.has(lower)) return true
      if (FALSE.has(lower)) return false
      throw new UsageError(`${name} must be true or false, not ${text}`)
    }
    case 'enum': {
      if (spec.values.includes(text)) return text
      throw new UsageError(`${name} must be one of ${spec.values.join(', ')}, not ${text}`)
    }
    case 'integer': {
      const value = NUMBER.test(text) ? Number(text) : Number.NaN
      if (
        !Number.isSafeInteger(value) ||
        (spec.min !== undefined && value < spec.min) ||
        (spec.max !== undefined && value > spec.max)
      ) {
        throw new UsageError(`${name} must be ${rangeText('an integer', spec.min, spec.max)}, not ${text}`)
      }
      return value
    }
    case 'json': {
      try {
        return JSON.parse(text)
      } catch {
        throw new UsageError(`${name} must be JSON, e.g. /set ${name} {"key": "value"}`)
      }
    }
    case 'number': {
      const value = NUMBER.test(text) ? Number(text) : Number.NaN
      if (!Number.isFinite(value) || value < spec.min || value > spec.max) {
        throw new UsageError(`${name} must be ${rangeText('a number', spec.min, spec.max)}, not ${text}`)
      }
      return value
    }
    case 'response_format': {
      if (text === 'json_object' || text === 'text') return {type: text}
      const value = tryJSON(text)
      if (
        value &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        typeof (value as {type?: unknown}).type === 'string'
      )
        return value
      throw new UsageError(`${name} must be json_object, text, or a JSON object with a "type"`)
    }
    case 'stop': {
      if (!text.startsWith('[') && !text.startsWith('"')) return text
      const value = tryJSON(text)
      if (typeof value === 'string') return value
      if (Array.isArray(value) && value.length <= 4 && value.every((item) => typeof item === 'string')) return value
      throw new UsageError(`${name} must be a string or a JSON array of up to 4 strings`)
    }
    case 'string': {
      return text
    }
  }
}

/** An unknown parameter: JSON when it parses (numbers, booleans, objects), the text otherwise. */
function parseLoose(text: string): unknown {
  const value = tryJSON(text)
  return value === undefined ? text : value
}

function tryJSON(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function rangeText(what: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return min === max ? `${min}` : `${what} from ${min} to ${max}`
  if (min !== undefined) return `${what} of at least ${min}`
  if (max !== undefined) return `${what} of at most ${max}`
  return what
}
