import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import nock from 'nock'
import {describe, expect, it} from 'vitest'

import ResponsesCreate from '../../src/commands/responses/create.js'
import {buildResponseRequest} from '../../src/lib/responses/request.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

function response(text: string, extra: Record<string, unknown> = {}) {
  return {
    created_at: 1_754_400_695,
    error: null,
    id: 'resp_1',
    incomplete_details: null,
    model: 'llama-3.3-70b-versatile',
    object: 'response',
    output: [
      {
        content: [{annotations: [], text, type: 'output_text'}],
        id: 'msg_1',
        role: 'assistant',
        status: 'completed',
        type: 'message',
      },
    ],
    status: 'completed',
    ...extra,
  }
}

function sse(events: Array<Record<string, unknown>>, done = false): string {
  return (
    events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('') +
    (done ? 'data: [DONE]\n\n' : '')
  )
}

const STREAM = [
  {response: {id: 'resp_1', status: 'in_progress'}, sequence_number: 0, type: 'response.created'},
  {
    content_index: 0,
    delta: 'Once upon',
    item_id: 'msg_1',
    output_index: 0,
    sequence_number: 1,
    type: 'response.output_text.delta',
  },
  {
    content_index: 0,
    delta: ' a time.',
    item_id: 'msg_1',
    output_index: 0,
    sequence_number: 2,
    type: 'response.output_text.delta',
  },
  {response: response('Once upon a time.'), sequence_number: 3, type: 'response.completed'},
]

describe('responses create: the request body', () => {
  it('maps every flag to its field', () => {
    const home = tempHome()
    const tool = join(home.root, 'weather.json')
    writeFileSync(tool, JSON.stringify({name: 'get_weather', parameters: {type: 'object'}}))
    const schema = join(home.root, 'person.schema.json')
    writeFileSync(schema, JSON.stringify({properties: {name: {type: 'string'}}, type: 'object'}))
    const body = buildResponseRequest(
      {
        instructions: 'Be brief',
        'max-output-tokens': '200',
        metadata: ['run=42', 'who=me=you'],
        model: 'openai/gpt-oss-20b',
        'parallel-tool-calls': false,
        'reasoning-effort': 'low',
        schema,
        'service-tier': 'flex',
        store: false,
        temperature: '0.5',
        tool: [tool, '{"type":"function","function":{"name":"lookup"}}'],
        'tool-choice': 'get_weather',
        'top-p': '1',
        truncation: 'auto',
        user: 'u1',
      },
      {userText: 'hi'},
    )
    expect(body).toEqual({
      input: 'hi',
      instructions: 'Be brief',
      max_output_tokens: 200,
      metadata: {run: '42', who: 'me=you'},
      model: 'openai/gpt-oss-20b',
      parallel_tool_calls: false,
      reasoning: {effort: 'low'},
      service_tier: 'flex',
      store: false,
      temperature: 0.5,
      text: {
        format: {
          name: 'person_schema',
          schema: {properties: {name: {type: 'string'}}, type: 'object'},
          type: 'json_schema',
        },
      },
      tool_choice: {function: {name: 'get_weather'}, type: 'function'},
      tools: [
        {name: 'get_weather', parameters: {type: 'object'}, type: 'function'},
        {name: 'lookup', type: 'function'},
      ],
      top_p: 1,
      truncation: 'auto',
      user: 'u1',
    })
  })

  it('--input-items sends the array, with INPUT added as a last user message', () => {
    expect(buildResponseRequest({'input-items': '[{"role":"system","content":"x"}]'}, {userText: 'y'}).input).toEqual([
      {content: 'x', role: 'system'},
      {content: 'y', role: 'user'},
    ])
    expect(buildResponseRequest({'input-items': '-'}, {stdinText: '[{"role":"user","content":"z"}]'}).input).toEqual([
      {content: 'z', role: 'user'},
    ])
  })

  it.each([
    [{temperature: '3'}, '--temperature: 3 is out of range (must be from 0 to 2)'],
    [{'top-p': 'x'}, '--top-p: "x" is not a number (must be from 0 to 1)'],
    [{'max-output-tokens': '0'}, '--max-output-tokens: 0 is out of range (must be 1 or more)'],
    [{'max-output-tokens': '1.5'}, '--max-output-tokens: "1.5" is not a whole number (must be 1 or more)'],
    [{'reasoning-effort': 'max'}, '--reasoning-effort: "max" must be one of low, medium, high'],
    [{'service-tier': 'on_demand'}, '--service-tier: "on_demand" must be one of auto, default, flex'],
    [{'text-format': 'json_schema'}, '--text-format json_schema: needs --schema FILE|JSON'],
    [{metadata: ['novalue']}, '--metadata: "novalue" must be key=value'],
    [
      {tool: ['{"type":"browser_search"}']},
      '--tool: {"type":"browser_search"}: only function tools are supported (type "browser_search")',
    ],
    [
      {'tool-choice': 'nope'},
      '--tool-choice: "nope" is not none, auto, required or a function name and no --tool defines a function',
    ],
    [{'input-items': '{}'}, '--input-items: expected a non-empty JSON array of input items'],
    [{schema: '{bad'}, '--schema: is not valid JSON (at line 1, column 2)'],
  ])('refuses %j', (flags, message) => {
    expect(() => buildResponseRequest(flags, {userText: 'hi'})).toThrow(message)
  })

  it('refuses no input and an empty input', () => {
    expect(() => buildResponseRequest({})).toThrow('No input: give INPUT, pipe text on stdin, or use --input-items')
    expect(() => buildResponseRequest({}, {userText: '  '})).toThrow('The input is empty')
  })
})

describe('responses create', () => {
  it('POSTs /openai/v1/responses and prints the output text when piped', async () => {
    const scope = nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .post('/openai/v1/responses', {input: 'Tell me a story', model: 'llama-3.3-70b-versatile'})
      .reply(200, response('Once upon a time.'))
    const result = await run(ResponsesCreate, ['Tell me a story'], {env: env()})
    expect(scope.isDone()).toBe(true)
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: 'Once upon a time.\n'})
  })

  it('piped stdin is context before INPUT; --json prints the response object unchanged', async () => {
    const answer = response('Two items.')
    nock(API)
      .post('/openai/v1/responses', {input: 'a\nb\n\nCount the items', model: 'llama-3.3-70b-versatile'})
      .reply(200, answer)
    const result = await run(ResponsesCreate, ['Count the items', '--json'], {env: env(), stdin: 'a\nb\n'})
    expect(result.stdout).toBe(JSON.stringify(answer) + '\n')
  })

  it('function calls print one per line: call id, name, arguments', async () => {
    const answer = response('', {
      output: [
        {arguments: '{"city":"Paris"}', call_id: 'call_1', id: 'fc_1', name: 'get_weather', type: 'function_call'},
      ],
    })
    nock(API).post('/openai/v1/responses').reply(200, answer)
    const result = await run(ResponsesCreate, ['Weather?'], {env: env()})
    expect(result.stdout).toBe('call_1\tget_weather\t{"city":"Paris"}\n')
  })

  it('a failed response exits 1 with its message; an incomplete one warns on stderr', async () => {
    nock(API)
      .post('/openai/v1/responses')
      .reply(200, response('', {error: {code: 'server_error', message: 'it broke'}, output: [], status: 'failed'}))
    expect(await run(ResponsesCreate, ['x'], {env: env()})).toEqual({
      exitCode: 1,
      stderr: 'Error: The response failed: it broke (server_error)\n',
      stdout: '',
    })
    nock(API)
      .post('/openai/v1/responses')
      .reply(200, response('Cut sh', {incomplete_details: {reason: 'max_output_tokens'}, status: 'incomplete'}))
    expect(await run(ResponsesCreate, ['x', '--max-output-tokens', '2'], {env: env()})).toEqual({
      exitCode: 0,
      stderr: 'Warning: the response is incomplete (max_output_tokens)\n',
      stdout: 'Cut sh\n',
    })
  })

  it('--stream sends stream: true and prints the text deltas, ending in one newline', async () => {
    let sent: unknown
    nock(API)
      .post('/openai/v1/responses', (body) => {
        sent = body
        return true
      })
      .reply(200, sse(STREAM), {'content-type': 'text/event-stream'})
    const result = await run(ResponsesCreate, ['--stream', 'story'], {env: env()})
    expect(sent).toEqual({input: 'story', model: 'llama-3.3-70b-versatile', stream: true})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: 'Once upon a time.\n'})
  })

  it('--stream --json prints the final response object; -o ndjson every event as one line', async () => {
    nock(API).post('/openai/v1/responses').reply(200, sse(STREAM, true), {'content-type': 'text/event-stream'})
    const json = await run(ResponsesCreate, ['--stream', '--json', 'story'], {env: env()})
    expect(json.stdout).toBe(JSON.stringify(response('Once upon a time.')) + '\n')
    nock(API).post('/openai/v1/responses').reply(200, sse(STREAM), {'content-type': 'text/event-stream'})
    const ndjson = await run(ResponsesCreate, ['--stream', '-o', 'ndjson', 'story'], {env: env()})
    expect(ndjson.stdout).toBe(STREAM.map((event) => JSON.stringify(event) + '\n').join(''))
  })

  it('--stream: an error event exits 1 after the text so far; a stream cut before the end exits 6', async () => {
    const error = {code: 'server_error', message: 'overloaded', sequence_number: 2, type: 'error'}
    nock(API)
      .post('/openai/v1/responses')
      .reply(200, sse([STREAM[0], STREAM[1], error]), {'content-type': 'text/event-stream'})
    expect(await run(ResponsesCreate, ['--stream', 'story'], {env: env()})).toEqual({
      exitCode: 1,
      stderr: 'Error: Stream error: overloaded (server_error)\n',
      stdout: 'Once upon',
    })
    nock(API)
      .post('/openai/v1/responses')
      .reply(200, sse(STREAM.slice(0, 3)), {'content-type': 'text/event-stream'})
    expect(await run(ResponsesCreate, ['--stream', 'story'], {env: env()})).toEqual({
      exitCode: 6,
      stderr: 'Error: The stream ended before the response was complete\n',
      stdout: 'Once upon a time.',
    })
  })

  it('a bad flag is refused before any request (exit 2); the model comes from --model', async () => {
    const result = await run(ResponsesCreate, ['--temperature', '9', 'x'], {env: env()})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: --temperature: 9 is out of range (must be from 0 to 2)\n',
      stdout: '',
    })
    nock(API).post('/openai/v1/responses', {input: 'x', model: 'openai/gpt-oss-120b'}).reply(200, response('ok'))
    expect((await run(ResponsesCreate, ['-m', 'openai/gpt-oss-120b', 'x'], {env: env()})).stdout).toBe('ok\n')
  })
})
