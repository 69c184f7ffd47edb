import {describe, expect, it} from 'vitest'

import {applyParam, buildRequest, joinUserText} from '../../src/lib/chat/request.js'

describe('joinUserText', () => {
  it('stdin first, a blank line, then the prompt; trailing newlines of stdin dropped', () => {
    expect(joinUserText('summarise', 'line 1\nline 2\n\n')).toBe('line 1\nline 2\n\nsummarise')
    expect(joinUserText('summarise', 'a\r\n')).toBe('a\n\nsummarise')
  })
  it('empty or blank stdin is no stdin', () => {
    expect(joinUserText('hi', '')).toBe('hi')
    expect(joinUserText('hi', ' \n')).toBe('hi')
    expect(joinUserText(undefined, '\n')).toBeUndefined()
  })
  it('no prompt: stdin is the prompt; "-": stdin, or an error when it is empty', () => {
    expect(joinUserText(undefined, 'q?\n')).toBe('q?')
    expect(joinUserText('-', 'q?\n')).toBe('q?')
    expect(() => joinUserText('-', '')).toThrow('The prompt is "-" (read stdin), but stdin is empty')
  })
  it('an empty prompt argument is still a prompt', () => {
    expect(joinUserText('', undefined)).toBe('')
  })
})

describe('buildRequest', () => {
  it('history (a continued conversation) goes after the system prompt, before the new message', () => {
    const body = buildRequest(
      {system: 'S'},
      {
        history: [
          {role: 'user', content: 'a'},
          {role: 'assistant', content: 'b'},
        ],
        userText: 'c',
      },
    )
    expect(body.messages).toEqual([
      {role: 'system', content: 'S'},
      {role: 'user', content: 'a'},
      {role: 'assistant', content: 'b'},
      {role: 'user', content: 'c'},
    ])
  })

  it('requireMessage: false (the REPL) gives the model, parameters and system prompt with no message yet', () => {
    expect(buildRequest({system: 'S', temperature: '0.5'}, {requireMessage: false})).toEqual({
      model: 'llama-3.3-70b-versatile',
      messages: [{role: 'system', content: 'S'}],
      temperature: 0.5,
    })
    expect(buildRequest({}, {requireMessage: false}).messages).toEqual([])
    expect(() => buildRequest({}, {})).toThrow('No message to send')
  })

  it('the default model: --model, else the configured one, else llama-3.3-70b-versatile', () => {
    expect(buildRequest({}, {userText: 'x'}).model).toBe('llama-3.3-70b-versatile')
    expect(buildRequest({}, {defaultModel: 'qwen/qwen3-32b', userText: 'x'}).model).toBe('qwen/qwen3-32b')
    expect(buildRequest({model: 'm'}, {defaultModel: 'qwen/qwen3-32b', userText: 'x'}).model).toBe('m')
    expect(() => buildRequest({model: ' '}, {userText: 'x'})).toThrow('--model: must not be empty')
  })

  it('reads files only through readFile (a test can give any content)', () => {
    const files: Record<string, string> = {'/t.json': '{"name":"f","parameters":{"type":"object"}}'}
    const readFile = (path: string) => {
      if (!(path in files)) throw Object.assign(new Error('nope'), {code: 'ENOENT'})
      return Buffer.from(files[path])
    }
    const body = buildRequest({tool: ['/t.json']}, {readFile, userText: 'x'})
    expect(body.tools).toEqual([{type: 'function', function: {name: 'f', parameters: {type: 'object'}}}])
    expect(() => buildRequest({tool: ['/missing.json']}, {readFile, userText: 'x'})).toThrow(
      '--tool: cannot read /missing.json (no such file)',
    )
  })

  it('--messages FILE is checked item by item', () => {
    const readFile = (text: string) => () => Buffer.from(text)
    expect(() =>
      buildRequest({messages: 'm.json'}, {readFile: readFile('[{"role":"user","content":"a"},{"content":"b"}]')}),
    ).toThrow(
      '--messages: m.json: message 2 has no valid role (one of system, developer, user, assistant, tool, function)',
    )
    expect(() => buildRequest({messages: 'm.json'}, {readFile: readFile('[{"role":"tool","content":"x"}]')})).toThrow(
      '--messages: m.json: message 1 (a tool message) has no tool_call_id',
    )
    expect(() => buildRequest({messages: 'm.json'}, {readFile: readFile('[{"role":"user"}]')})).toThrow(
      '--messages: m.json: message 1 has no content',
    )
  })
})

describe('applyParam (--param key=value)', () => {
  const apply = (entry: string) => {
    const body = {model: 'm', messages: [], top: {keep: 1}}
    applyParam(body as never, entry)
    return body as Record<string, unknown>
  }
  it('parses JSON values, keeps anything else as a string', () => {
    expect(apply('a=1').a).toBe(1)
    expect(apply('a=true').a).toBe(true)
    expect(apply('a=null').a).toBeNull()
    expect(apply('a={"b":[1]}').a).toEqual({b: [1]})
    expect(apply('a=hello world').a).toBe('hello world')
    expect(apply('a=').a).toBe('')
    expect(apply('a=x=y').a).toBe('x=y')
  })
  it('dotted keys set nested fields, keeping siblings', () => {
    expect(apply('top.new=2').top).toEqual({keep: 1, new: 2})
    expect(apply('x.y.z=3').x).toEqual({y: {z: 3}})
  })
})
