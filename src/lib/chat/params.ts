/**
 * The chat request parameters: ONE table (name = the API field and the REPL's `/set` key, flag, type, range or
 * enum, flag help) from which the `groq chat` flags (chat/flags.ts), the flag validation and the request body
 * (chat/request.ts) and the REPL's `/set` (chat/repl-params.ts) are all made. `--param` stays the unchecked escape
 * hatch, but may not set what OWN_FIELDS lists.
 *
 * Ranges and enums are CreateChatCompletionRequest's in Groq's OpenAPI spec (test/unit/chat-params.test.ts checks
 * them against it). Our own additions, each said where it is: max_completion_tokens at least 1; integers within
 * ±(2^53-1), the ones a JSON number can carry exactly; logit_bias biases from -100 to 100 on token ids (the spec
 * types them as integers only; the range is the OpenAI API's, which Groq's follows).
 *
 * Values are read strictly: numbers are decimal (no 0x, 0b, Infinity), integers are whole and exact.
 */

import {UsageError} from '../core/errors.js'
import {parseNumberValue} from '../core/flag-values.js'

export type ParamType =
  | {kind: 'array'}
  | {kind: 'boolean'}
  | {kind: 'enum'; values: readonly string[]}
  | {kind: 'integer'; max?: number; min?: number}
  | {kind: 'logit_bias'}
  | {kind: 'number'; max: number; min: number}
  | {kind: 'object'; values?: 'string'}
  | {kind: 'response_format'}
  | {kind: 'stop'}
  | {kind: 'string'}
  | {kind: 'tool_choice'}

export type NumericType = Extract<ParamType, {kind: 'integer' | 'number'}>

export interface ChatParam {
  /** The API's field; also the REPL's `/set` name (dashes are accepted for underscores). */
  field: string
  /** The `groq chat` flag, if there is one (some are for `/set` and `--param` only). */
  flag?: string
  /** The flag's help: description, `<value>` shown, group. */
  help?: {description: string; group: 'model' | 'tools'; helpValue?: string; multiple?: true}
  /**
   * The flag's value is built by chat/request.ts from files or from several flags (tools, documents,
   * response_format with --schema, stop's repeats), not read by the generic reader.
   */
  built?: true
  type: ParamType
}

export const RESPONSE_FORMATS = ['text', 'json_object', 'json_schema'] as const
export const TOOL_CHOICES = ['none', 'auto', 'required'] as const
export const MAX_STOP = 4
export const MAX_TOOLS = 128
export const LOGIT_BIAS_RANGE = {max: 100, min: -100} as const

/** In the order the request body is built (the order of the fields in a saved conversation's params). */
export const CHAT_PARAMS: readonly ChatParam[] = [
  {
    field: 'temperature',
    flag: 'temperature',
    help: {description: 'sampling temperature, 0 to 2', group: 'model', helpValue: '<0-2>'},
    type: {kind: 'number', max: 2, min: 0},
  },
  {
    field: 'top_p',
    flag: 'top-p',
    help: {description: 'nucleus sampling, 0 to 1', group: 'model', helpValue: '<0-1>'},
    type: {kind: 'number', max: 1, min: 0},
  },
  {
    field: 'max_completion_tokens',
    flag: 'max-tokens',
    help: {description: 'most tokens to generate (sent as max_completion_tokens)', group: 'model', helpValue: '<n>'},
    type: {kind: 'integer', min: 1}, // the spec has no minimum; 0 tokens is never meant
  },
  {
    field: 'seed',
    flag: 'seed',
    help: {description: 'seed for best-effort deterministic sampling', group: 'model', helpValue: '<integer>'},
    type: {kind: 'integer'},
  },
  {
    field: 'n',
    flag: 'n',
    help: {description: 'number of choices (the API supports only 1)', group: 'model', helpValue: '<1>'},
    type: {kind: 'integer', max: 1, min: 1},
  },
  {
    field: 'frequency_penalty',
    flag: 'frequency-penalty',
    help: {description: 'frequency penalty, -2 to 2', group: 'model', helpValue: '<-2-2>'},
    type: {kind: 'number', max: 2, min: -2},
  },
  {
    field: 'presence_penalty',
    flag: 'presence-penalty',
    help: {description: 'presence penalty, -2 to 2', group: 'model', helpValue: '<-2-2>'},
    type: {kind: 'number', max: 2, min: -2},
  },
  {
    field: 'top_logprobs',
    flag: 'top-logprobs',
    help: {
      description: 'most likely tokens per position, 0 to 20 (with --logprobs)',
      group: 'model',
      helpValue: '<0-20>',
    },
    type: {kind: 'integer', max: 20, min: 0},
  },
  {field: 'max_tokens', type: {kind: 'integer', min: 1}}, // deprecated by the spec, for max_completion_tokens
  {
    field: 'citation_options',
    flag: 'citation-options',
    help: {description: 'citations from documents or search', group: 'tools'},
    type: {kind: 'enum', values: ['enabled', 'disabled']},
  },
  {
    field: 'reasoning_effort',
    flag: 'reasoning-effort',
    help: {description: 'reasoning effort', group: 'model'},
    type: {kind: 'enum', values: ['none', 'default', 'low', 'medium', 'high']},
  },
  {
    field: 'reasoning_format',
    flag: 'reasoning-format',
    help: {description: 'how reasoning is returned (parsed: to stderr, or in --json)', group: 'model'},
    type: {kind: 'enum', values: ['hidden', 'raw', 'parsed']},
  },
  {
    field: 'service_tier',
    flag: 'service-tier',
    help: {description: 'service tier', group: 'model'},
    type: {kind: 'enum', values: ['auto', 'on_demand', 'flex', 'performance']},
  },
  {
    built: true,
    field: 'stop',
    flag: 'stop',
    help: {description: 'stop sequence (repeatable, up to 4)', group: 'model', multiple: true},
    type: {kind: 'stop'},
  },
  {
    field: 'user',
    flag: 'user',
    help: {description: 'end-user id, for abuse monitoring', group: 'model'},
    type: {kind: 'string'},
  },
  {
    field: 'logprobs',
    flag: 'logprobs',
    help: {description: 'return log probabilities of the output tokens', group: 'model'},
    type: {kind: 'boolean'},
  },
  {
    field: 'logit_bias',
    flag: 'logit-bias',
    help: {description: 'token id to bias, as JSON: {"1234": -100}', group: 'model', helpValue: 'FILE|JSON'},
    type: {kind: 'logit_bias'},
  },
  {
    field: 'include_reasoning',
    flag: 'include-reasoning',
    help: {description: 'include the reasoning (not with --reasoning-format)', group: 'model'},
    type: {kind: 'boolean'},
  },
  {
    built: true,
    field: 'response_format',
    flag: 'response-format',
    help: {description: 'answer format (json_schema needs --schema)', group: 'tools'},
    type: {kind: 'response_format'},
  },
  {
    built: true,
    field: 'tools',
    flag: 'tool',
    help: {
      description:
        'tool definition (repeatable): a tool, a bare function, or an array of them; or browser_search, code_interpreter',
      group: 'tools',
      helpValue: 'FILE|JSON',
      multiple: true,
    },
    type: {kind: 'array'},
  },
  {
    built: true,
    field: 'tool_choice',
    flag: 'tool-choice',
    help: {description: 'none, auto, required, a function name, or JSON', group: 'tools'},
    type: {kind: 'tool_choice'},
  },
  {
    field: 'parallel_tool_calls',
    flag: 'parallel-tool-calls',
    help: {description: 'allow several tool calls in one answer', group: 'tools'},
    type: {kind: 'boolean'},
  },
  {
    field: 'disable_tool_validation',
    flag: 'disable-tool-validation',
    help: {description: 'return tool calls without checking them against --tool', group: 'tools'},
    type: {kind: 'boolean'},
  },
  {
    built: true,
    field: 'documents',
    flag: 'document',
    help: {
      description: 'document to ground the answer (repeatable): a text file, a JSON file, or {id?, source} JSON',
      group: 'tools',
      helpValue: 'FILE|JSON',
      multiple: true,
    },
    type: {kind: 'array'},
  },
  {
    field: 'search_settings',
    flag: 'search-settings',
    help: {description: 'web search settings (include_domains, country, …)', group: 'tools', helpValue: 'FILE|JSON'},
    type: {kind: 'object'},
  },
  {
    field: 'compound_custom',
    flag: 'compound-custom',
    help: {description: 'Compound models and tools configuration', group: 'tools', helpValue: 'FILE|JSON'},
    type: {kind: 'object'},
  },
  {field: 'metadata', type: {kind: 'object', values: 'string'}},
  {field: 'store', type: {kind: 'boolean'}},
]

const BY_FIELD = new Map(CHAT_PARAMS.map((param) => [param.field, param]))

/** The parameter with this API field name, if it is one Groq documents. */
export const chatParam = (field: string): ChatParam | undefined => BY_FIELD.get(field)

/** The parameter a flag sets. */
export function paramOfFlag(flag: string): ChatParam {
  const param = CHAT_PARAMS.find((candidate) => candidate.flag === flag)
  if (!param) throw new Error(`No chat parameter has the flag --${flag}`)
  return param
}

/** The values of an enum parameter (for oclif's `options`). */
export function enumValues(field: string): readonly string[] {
  const type = BY_FIELD.get(field)?.type
  if (type?.kind !== 'enum') throw new Error(`${field} is not an enum parameter`)
  return type.values
}

/**
 * Request fields that are not parameters: the CLI builds them itself and `--param` or `/set` may not set them
 * (the reason is said in the error).
 */
export const OWN_FIELDS: Readonly<Record<string, string>> = {
  messages: 'the messages are built from the prompt, stdin, -s, --message and --messages',
  model: 'the model is chosen with --model',
  stream: 'stream is decided by --stream/--no-stream',
  stream_options: 'stream is decided by --stream/--no-stream',
}

// ---- reading and checking values -----------------------------------------------------------------

/**
 * Why a value does not fit its parameter. For numbers: `type` (not a number, or not whole), `range` (outside the
 * parameter's range), `exact` (a whole number too large for JSON to carry exactly). Otherwise a phrase that
 * completes "<name> …" (`must be one of …`).
 */
export type Misfit = {kind: 'exact' | 'range' | 'type'} | {kind: 'detail'; text: string}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checks a value (parsed JSON, or a flag's value) against its parameter; undefined when it fits. */
export function misfit(type: ParamType, value: unknown): Misfit | undefined {
  switch (type.kind) {
    case 'integer':
    case 'number': {
      return typeof value === 'number' ? numberMisfit(type, value) : {kind: 'type'}
    }
    case 'enum': {
      return typeof value === 'string' && type.values.includes(value)
        ? undefined
        : {kind: 'detail', text: `must be one of ${type.values.join(', ')}`}
    }
    case 'boolean': {
      return typeof value === 'boolean' ? undefined : {kind: 'detail', text: 'must be true or false'}
    }
    case 'string': {
      return typeof value === 'string' ? undefined : {kind: 'detail', text: 'must be a string'}
    }
    case 'array': {
      return Array.isArray(value) ? undefined : {kind: 'detail', text: 'must be a JSON array'}
    }
    case 'object': {
      if (!isObject(value)) return {kind: 'detail', text: 'must be a JSON object'}
      if (type.values === 'string' && Object.values(value).some((item) => typeof item !== 'string'))
        return {kind: 'detail', text: 'must be a JSON object of strings'}
      return undefined
    }
    case 'logit_bias': {
      return logitBiasMisfit(value)
    }
    case 'stop': {
      const fits =
        typeof value === 'string' ||
        (Array.isArray(value) && value.length <= MAX_STOP && value.every((item) => typeof item === 'string'))
      return fits ? undefined : {kind: 'detail', text: `must be a string or a JSON array of up to ${MAX_STOP} strings`}
    }
    case 'response_format': {
      return isObject(value) && typeof value.type === 'string'
        ? undefined
        : {kind: 'detail', text: 'must be a JSON object with a "type"'}
    }
    case 'tool_choice': {
      if (typeof value === 'string' && (TOOL_CHOICES as readonly string[]).includes(value)) return undefined
      if (isObject(value) && isObject(value.function) && typeof value.function.name === 'string') return undefined
      return {
        kind: 'detail',
        text: `must be ${TOOL_CHOICES.join(', ')} or {"type":"function","function":{"name":"…"}}`,
      }
    }
  }
}

export function numberMisfit(type: NumericType, value: number): Misfit | undefined {
  if (!Number.isFinite(value)) return {kind: 'type'}
  if (type.kind === 'integer') {
    if (!Number.isInteger(value)) return {kind: 'type'}
    if (!Number.isSafeInteger(value)) return {kind: 'exact'}
  }
  if ((type.min !== undefined && value < type.min) || (type.max !== undefined && value > type.max))
    return {kind: 'range'}
  return undefined
}

function logitBiasMisfit(value: unknown): Misfit | undefined {
  if (!isObject(value)) return {kind: 'detail', text: 'must be a JSON object of token ids and biases'}
  const {max, min} = LOGIT_BIAS_RANGE
  for (const [token, bias] of Object.entries(value)) {
    if (!/^\d{1,15}$/.test(token)) return {kind: 'detail', text: `"${token}" is not a token id (a whole number)`}
    if (!Number.isInteger(bias)) return {kind: 'detail', text: `the bias for token ${token} must be a whole number`}
    if ((bias as number) < min || (bias as number) > max)
      return {kind: 'detail', text: `the bias for token ${token} must be from ${min} to ${max} (got ${bias})`}
  }
  return undefined
}

/** A number flag's value: decimal text in the parameter's range; else a UsageError naming the flag. */
export function readNumberFlag(label: string, raw: string, type: NumericType): number {
  return parseNumberValue(label, raw, {integer: type.kind === 'integer', max: type.max, min: type.min})
}

/** Throws a UsageError in a flag's voice (`--logit-bias: …`) when `value` does not fit; returns it otherwise. */
export function checkFlagValue<T>(label: string, raw: string, type: ParamType, value: T): T {
  const problem = misfit(type, value)
  if (!problem) return value
  const text = problem.kind === 'detail' ? problem.text : 'is not a valid value' // numbers go to readNumberFlag
  throw new UsageError(type.kind === 'enum' ? `${label}: "${raw}" ${text}` : `${label}: ${text}`)
}
