import {BadRequestError, InternalServerError} from 'groq-sdk'
import {describe, expect, it} from 'vitest'

import {estimateTokens, isContextLengthError} from '../../src/lib/chat/repl-budget.js'
import {MultiLine} from '../../src/lib/chat/repl-input.js'
import {parseParam} from '../../src/lib/chat/repl-params.js'
import {UsageError} from '../../src/lib/core/errors.js'

describe('parseParam', () => {
  it.each([
    ['temperature', '0', 0],
    ['temperature', '2', 2],
    ['temperature', '.5', 0.5],
    ['top_p', '1', 1],
    ['frequency_penalty', '-2', -2],
    ['presence-penalty', '1.5', 1.5],
    ['max_completion_tokens', '1024', 1024],
    ['seed', '-42', -42],
    ['n', '1', 1],
    ['top_logprobs', '20', 20],
    ['logprobs', 'on', true],
    ['parallel_tool_calls', 'false', false],
    ['reasoning_effort', 'low', 'low'],
    ['reasoning_format', 'parsed', 'parsed'],
    ['service_tier', 'flex', 'flex'],
    ['stop', 'END', 'END'],
    ['stop', '["a", "b"]', ['a', 'b']],
    ['stop', '"\\n"', '\n'],
    ['response_format', 'json_object', {type: 'json_object'}],
    [
      'response_format',
      '{"type": "json_schema", "json_schema": {"name": "x"}}',
      {json_schema: {name: 'x'}, type: 'json_schema'},
    ],
    ['user', 'alice smith', 'alice smith'],
    ['logit_bias', '{"50256": -100}', {'50256': -100}],
  ])('%s %s', (name, raw, value) => {
    expect(parseParam(name, raw).value).toEqual(value)
    expect(parseParam(name, raw).known).toBe(true)
  })

  it.each([
    ['temperature', '2.1', 'temperature must be a number from 0 to 2, not 2.1'],
    ['temperature', '-0.1', 'temperature must be a number from 0 to 2, not -0.1'],
    ['temperature', '0x1', 'temperature must be a number from 0 to 2, not 0x1'],
    ['top_p', 'Infinity', 'top_p must be a number from 0 to 1, not Infinity'],
    ['max_completion_tokens', '0', 'max_completion_tokens must be an integer of at least 1, not 0'],
    ['max_completion_tokens', '1.5', 'max_completion_tokens must be an integer of at least 1, not 1.5'],
    ['n', '2', 'n must be 1, not 2'],
    ['top_logprobs', '21', 'top_logprobs must be an integer from 0 to 20, not 21'],
    ['logprobs', 'maybe', 'logprobs must be true or false, not maybe'],
    ['service_tier', 'fast', 'service_tier must be one of auto, on_demand, flex, performance, not fast'],
    ['stop', '["a","b","c","d","e"]', 'stop must be a string or a JSON array of up to 4 strings'],
    ['response_format', 'yaml', 'response_format must be json_object, text, or a JSON object with a "type"'],
    ['tools', '[{', 'tools must be JSON, e.g. /set tools {"key": "value"}'],
    ['messages', '[]', 'Cannot set messages: the REPL sends the history itself'],
    ['temperature', '', 'Missing value: /set temperature VALUE'],
    ['bad name!', '1', 'Not a parameter name: bad name!'],
  ])('rejects %s %s', (name, raw, message) => {
    expect(() => parseParam(name, raw)).toThrow(new UsageError(message))
  })

  it('passes unknown parameters as JSON when they parse, as text otherwise', () => {
    expect(parseParam('new_knob', '3')).toEqual({known: false, name: 'new_knob', value: 3})
    expect(parseParam('new_knob', 'plain words')).toEqual({known: false, name: 'new_knob', value: 'plain words'})
  })
})

describe('MultiLine', () => {
  const feed = (...lines: string[]) => {
    const multi = new MultiLine()
    return lines.map((line) => multi.push(line))
  }

  it('passes a plain line through as a possible command', () => {
    expect(feed('hello')).toEqual([{command: true, text: 'hello'}])
  })

  it('continues lines that end with a backslash', () => {
    expect(feed('a\\', 'b\\', 'c')).toEqual([undefined, undefined, {command: true, text: 'a\nb\nc'}])
  })

  it('reads """ blocks, keeping inner blank lines and backslashes, never as commands', () => {
    expect(feed('"""', '/x', '', 'ends with \\', '"""')).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      {command: false, text: '/x\n\nends with \\'},
    ])
    expect(feed('  """one"""  ')).toEqual([{command: false, text: 'one'}])
    expect(feed('"""a', 'b"""')).toEqual([undefined, {command: false, text: 'a\nb'}])
  })

  it('reset drops what was pending', () => {
    const multi = new MultiLine()
    multi.push('"""')
    expect(multi.pending).toBe(true)
    multi.reset()
    expect(multi.pending).toBe(false)
    expect(multi.push('x')).toEqual({command: true, text: 'x'})
  })
})

describe('context helpers', () => {
  it('estimates about 4 characters a token plus 4 a message', () => {
    expect(estimateTokens([])).toBe(0)
    expect(
      estimateTokens([
        {content: 'abcdefgh', role: 'user'},
        {content: null, role: 'assistant'},
      ]),
    ).toBe(2 + 4 + 4)
  })

  it('recognises a 400 about context length, and nothing else', () => {
    const body = {
      error: {code: 'context_length_exceeded', message: 'Please reduce the length of the messages or completion.'},
    }
    expect(isContextLengthError(new BadRequestError(400, body, undefined, new Headers()))).toBe(true)
    expect(isContextLengthError(new Error('400 Bad Request: maximum context length is 8192 tokens'))).toBe(true)
    expect(
      isContextLengthError(new BadRequestError(400, {error: {message: 'bad temperature'}}, undefined, new Headers())),
    ).toBe(false)
    expect(isContextLengthError(new InternalServerError(500, body, undefined, new Headers()))).toBe(false)
    expect(isContextLengthError(new Error('context length'))).toBe(false)
  })
})
