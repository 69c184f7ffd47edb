import {describe, expect, it} from 'vitest'

import Chat from '../../src/commands/chat.js'
import {paramFlags} from '../../src/lib/chat/flags.js'
import {CHAT_PARAMS, MAX_STOP, MAX_TOOLS, RESPONSE_FORMATS, TOOL_CHOICES} from '../../src/lib/chat/params.js'
import {parseParam} from '../../src/lib/chat/repl-params.js'
import {UsageError} from '../../src/lib/core/errors.js'
import {decimalNumber} from '../../src/lib/core/flag-values.js'
import {describeWithSpec} from '../helpers/contract.js'
import {KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

describeWithSpec('the table of chat parameters (src/lib/chat/params.ts) agrees with the spec', (spec) => {
  const schemas = spec.components.schemas
  const request = schemas.CreateChatCompletionRequest.properties
  // Our own additions, said in params.ts: at least 1 token.
  const OWN_MIN: Record<string, number> = {max_completion_tokens: 1, max_tokens: 1}

  it('every numeric parameter: type and range as in CreateChatCompletionRequest', () => {
    const numeric = CHAT_PARAMS.filter((param) => param.type.kind === 'number' || param.type.kind === 'integer')
    expect(numeric.length).toBe(9)
    for (const {field, type} of numeric) {
      const property = request[field]
      expect(property, field).toBeDefined()
      expect(type.kind === 'integer', field).toBe(property.type === 'integer')
      expect('max' in type ? type.max : undefined, field).toBe(property.maximum)
      expect('min' in type ? type.min : undefined, field).toBe(OWN_MIN[field] ?? property.minimum)
    }
  })

  it('every enum, boolean, string and object parameter: the same values and type', () => {
    for (const {field, type} of CHAT_PARAMS) {
      const property = request[field]
      expect(property, field).toBeDefined()
      if (type.kind === 'enum') expect([...type.values], field).toEqual(property.enum)
      if (type.kind === 'boolean' || type.kind === 'string' || type.kind === 'array') {
        expect(property.type, field).toBe(type.kind)
      }
      if (type.kind === 'object' || type.kind === 'logit_bias') expect(property.type, field).toBe('object')
    }
    expect(request.logit_bias.additionalProperties).toEqual({type: 'integer'})
    expect(request.metadata.additionalProperties).toEqual({type: 'string'})
    const formats = request.response_format.oneOf
      .map((option: {$ref?: string}) => option.$ref && schemas[option.$ref.split('/').at(-1)!].properties.type.enum[0])
      .filter(Boolean)
    expect([...formats].sort()).toEqual([...RESPONSE_FORMATS].sort())
    expect([...TOOL_CHOICES]).toEqual(schemas.ChatCompletionToolChoiceOption.oneOf[0].enum)
    expect(request.stop.oneOf[1].maxItems).toBe(MAX_STOP)
    expect(request.tools.maxItems).toBe(MAX_TOOLS)
  })

  it('every parameter with a flag has its oclif flag, enums with their values as options', () => {
    const flags = paramFlags() as Record<string, {options?: string[]; type: string}>
    for (const {flag, type} of CHAT_PARAMS) {
      if (flag === undefined) continue
      expect(flags[flag], flag).toBeDefined()
      expect(flags[flag].type, flag).toBe(type.kind === 'boolean' ? 'boolean' : 'option')
      if (type.kind === 'enum') expect(flags[flag].options, flag).toEqual([...type.values])
    }
    expect(Object.keys(flags).length).toBe(CHAT_PARAMS.filter((param) => param.flag).length)
  })
})

describe('numbers are read strictly', () => {
  it.each([
    ['0.5', 0.5],
    [' 2 ', 2],
    ['-.5', -0.5],
    ['1e3', 1000],
    ['+1', 1],
  ])('%j is %d', (text, value) => expect(decimalNumber(text)).toBe(value))
  it.each(['0x1', '0b1', '0o7', 'Infinity', '', '  ', '1_000', '1 2', '.', 'NaN'])('%j is not a number', (text) =>
    expect(decimalNumber(text)).toBeUndefined(),
  )
})

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

describe('groq chat: bad values are refused before any request (exit 2, naming the flag)', () => {
  const cases: Array<[string[], string]> = [
    [['--temperature', '0x1', 'hi'], '--temperature: "0x1" is not a number (must be from 0 to 2)'],
    [['--seed', '0x10', 'hi'], '--seed: "0x10" is not a whole number'],
    [
      ['--seed', '1e30', 'hi'],
      '--seed: 1e30 is out of range (whole numbers are sent exactly only up to ±9007199254740991)',
    ],
    [
      ['--max-tokens', '99999999999999999999', 'hi'],
      '--max-tokens: 99999999999999999999 is out of range (whole numbers are sent exactly only up to ±9007199254740991)',
    ],
    [['--logit-bias', '{"x":1}', 'hi'], '--logit-bias: "x" is not a token id (a whole number)'],
    [['--logit-bias', '{"1":500}', 'hi'], '--logit-bias: the bias for token 1 must be from -100 to 100 (got 500)'],
    [['--logit-bias', '{"1":-101}', 'hi'], '--logit-bias: the bias for token 1 must be from -100 to 100 (got -101)'],
    [[''], 'PROMPT: is empty: give a question, or leave it out to read stdin'],
    [['   '], 'PROMPT: is blank: give a question, or leave it out to read stdin'],
    [
      ['--param', 'messages=5', 'hi'],
      '--param: the messages are built from the prompt, stdin, -s, --message and --messages',
    ],
  ]
  for (const [argv, message] of cases) {
    it(argv.map((arg) => JSON.stringify(arg)).join(' '), async () => {
      // No interceptor: a request would fail the test (nock refuses the connection).
      const result = await run(Chat, argv, {env: env()})
      expect(result).toEqual({exitCode: 2, stderr: `Error: ${message}\n`, stdout: ''})
    })
  }

  it('a blank prompt is refused also with piped stdin and when continuing', async () => {
    for (const argv of [[' '], ['-c', '']]) {
      const result = await run(Chat, argv, {env: env(), stdin: 'context\n'})
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toMatch(/^Error: PROMPT: is (empty|blank)/)
    }
  })
})

describe("the REPL's /set reads the same table", () => {
  it.each([
    ['seed', '0x10', 'seed must be an integer, not 0x10'],
    ['seed', '1e30', 'seed must be an integer, not 1e30'],
    [
      'max_completion_tokens',
      '99999999999999999999',
      'max_completion_tokens must be an integer of at least 1, not 99999999999999999999',
    ],
    ['logit_bias', '{"1":500}', 'logit_bias: the bias for token 1 must be from -100 to 100 (got 500)'],
    ['citation_options', 'sometimes', 'citation_options must be one of enabled, disabled, not sometimes'],
    ['metadata', '{"a":1}', 'metadata: must be a JSON object of strings'],
  ])('rejects %s %s', (name, raw, message) => {
    expect(() => parseParam(name, raw)).toThrow(new UsageError(message))
  })
  it('knows every parameter of the table', () => {
    for (const {field} of CHAT_PARAMS) {
      // A known parameter either takes "x" (strings) or refuses it; an unknown one would take it, known: false.
      let known = true
      try {
        known = parseParam(field, 'x').known
      } catch {
        // refused: known, since an unknown name takes anything
      }
      expect(known, field).toBe(true)
    }
    expect(parseParam('tool_choice', 'auto')).toEqual({known: true, name: 'tool_choice', value: 'auto'})
  })
})
