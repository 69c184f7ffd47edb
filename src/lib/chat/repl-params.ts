import {UsageError} from '../core/errors.js'
import {decimalNumber} from '../core/flag-values.js'
import {chatParam, type Misfit, misfit, numberMisfit, type NumericType, OWN_FIELDS, type ParamType} from './params.js'

/**
 * The REPL's `/set NAME VALUE`: the value typed as text, read by the type the table of chat/params.ts gives the
 * parameter, and any misfit said in the REPL's voice (`temperature must be a number from 0 to 2, not 3`).
 */

/** Parameters the REPL owns: set through their own commands, or never by hand. */
const REPL_OWN: Record<string, string> = {
  messages: 'the REPL sends the history itself',
  model: 'use /model NAME',
  stream: 'the REPL decides streaming',
  stream_options: 'the REPL decides streaming',
}

const TRUE = new Set(['1', 'on', 'true', 'yes'])
const FALSE = new Set(['0', 'false', 'no', 'off'])

/** `max-completion-tokens` and `max_completion_tokens` name the same parameter. */
export function paramName(raw: string): string {
  const name = raw.trim().replaceAll('-', '_')
  if (!/^[a-z][a-z0-9_]*$/i.test(name)) throw new UsageError(`Not a parameter name: ${raw}`)
  if (name in OWN_FIELDS) throw new UsageError(`Cannot set ${name}: ${REPL_OWN[name]}`)
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
  const param = chatParam(name)
  if (!param) return {known: false, name, value: parseLoose(text)}
  return {known: true, name, value: readValue(name, param.type, text)}
}

function readValue(name: string, type: ParamType, text: string): unknown {
  switch (type.kind) {
    case 'boolean': {
      const lower = text.toLowerCase()
      if (TRUE.has(lower)) return true
      if (FALSE.has(lower)) return false
      throw new UsageError(`${name} must be true or false, not ${text}`)
    }
    case 'enum': {
      if (type.values.includes(text)) return text
      throw new UsageError(`${name} must be one of ${type.values.join(', ')}, not ${text}`)
    }
    case 'integer':
    case 'number': {
      const value = decimalNumber(text)
      if (value === undefined || numberMisfit(type, value)) {
        throw new UsageError(`${name} must be ${rangeText(type)}, not ${text}`)
      }
      return value
    }
    case 'response_format': {
      if (text === 'json_object' || text === 'text') return {type: text}
      return checked(name, type, tryJSON(text), `${name} must be json_object, text, or a JSON object with a "type"`)
    }
    case 'stop': {
      if (!text.startsWith('[') && !text.startsWith('"')) return text
      return checked(name, type, tryJSON(text), `${name} must be a string or a JSON array of up to 4 strings`)
    }
    case 'string': {
      return text
    }
    case 'tool_choice': {
      if (/^[a-z]+$/.test(text)) return checked(name, type, text)
      return checked(name, type, parseJSON(name, text))
    }
    default: {
      return checked(name, type, parseJSON(name, text))
    }
  }
}

/** The value when it fits; else a UsageError with `message`, or the misfit as `name: …`. */
function checked(name: string, type: ParamType, value: unknown, message?: string): unknown {
  const problem: Misfit | undefined = misfit(type, value)
  if (!problem) return value
  throw new UsageError(message ?? `${name}: ${problem.kind === 'detail' ? problem.text : 'does not fit'}`)
}

function parseJSON(name: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new UsageError(`${name} must be JSON, e.g. /set ${name} {"key": "value"}`)
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

/** `a number from 0 to 2`, `an integer of at least 1`, `1`. */
function rangeText(type: NumericType): string {
  const what = type.kind === 'integer' ? 'an integer' : 'a number'
  const {max, min} = type
  if (min !== undefined && max !== undefined) return min === max ? `${min}` : `${what} from ${min} to ${max}`
  if (min !== undefined) return `${what} of at least ${min}`
  if (max !== undefined) return `${what} of at most ${max}`
  return what
}
