import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {join} from 'node:path'
import nock from 'nock'
import {afterEach, describe, expect, it} from 'vitest'

import Chat from '../../src/commands/chat.js'
import {FLAG_CASES, file, PROMPT} from '../fixtures/chat/flag-cases.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/chat/${name}`, import.meta.url), 'utf8')
const PATH = '/openai/v1/chat/completions'
const SSE = {'content-type': 'text/event-stream', 'x-request-id': 'req_01jbd6g2qdfw2adyrt2az8hz4w'}
const COMPLETION = JSON.parse(fixture('basic.json'))
const ANSWER: string = COMPLETION.choices[0].message.content

const env = (profile: Record<string, unknown> = {}) => {
  const home = tempHome()
  if (Object.keys(profile).length > 0) {
    mkdirSync(join(home.configHome, 'groq'), {recursive: true})
    writeFileSync(join(home.configHome, 'groq', 'config.json'), JSON.stringify({profiles: {default: profile}}), {
      mode: 0o600,
    })
  }
  return {...home.env, GROQ_API_KEY: KEY}
}

/** Intercepts one chat request, keeping its JSON body. */
function intercept(status: number, reply: string | object, headers: Record<string, string> = SSE) {
  const seen: {body?: Record<string, unknown>} = {}
  const scope = nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
    .post(PATH, (body) => {
      seen.body = body
      return true
    })
    .reply(status, typeof reply === 'string' ? reply : JSON.stringify(reply), headers)
  return {scope, seen}
}

const json = {'content-type': 'application/json'}

describe('groq chat: the request body for each flag', () => {
  for (const {argv, body, name} of FLAG_CASES) {
    it(name, async () => {
      const {scope, seen} = intercept(200, COMPLETION, json)
      const result = await run(Chat, [...argv, '--no-stream', PROMPT], {env: env()})
      expect(result.stderr).toBe('')
      expect(result.exitCode).toBe(0)
      expect(scope.isDone()).toBe(true)
      expect(seen.body).toEqual({...body, stream: false})
      expect(result.stdout).toBe(fixture('basic.txt'))
    })
  }

  it('streams by default (stream: true)', async () => {
    const {seen} = intercept(200, fixture('basic.sse'))
    await run(Chat, [PROMPT], {env: env()})
    expect(seen.body).toEqual({
      model: 'llama-3.3-70b-versatile',
      messages: [{role: 'user', content: PROMPT}],
      stream: true,
    })
  })

  it('takes the default model from config model.chat; -m wins over it', async () => {
    const first = intercept(200, fixture('basic.sse'))
    await run(Chat, [PROMPT], {env: env({'model.chat': 'qwen/qwen3-32b'})})
    expect(first.seen.body?.model).toBe('qwen/qwen3-32b')
    const second = intercept(200, fixture('basic.sse'))
    await run(Chat, ['-m', 'openai/gpt-oss-120b', PROMPT], {env: env({'model.chat': 'qwen/qwen3-32b'})})
    expect(second.seen.body?.model).toBe('openai/gpt-oss-120b')
  })
})

describe('groq chat: output', () => {
  it('streams the answer to stdout byte for byte, ending in exactly one newline; nothing on stderr', async () => {
    intercept(200, fixture('basic.sse'))
    const result = await run(Chat, [PROMPT], {env: env()})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: fixture('basic.txt')})
    expect(ANSWER.endsWith('\n\n')).toBe(true) // the model's own trailing newlines became one
  })

  it('--no-stream prints the same answer', async () => {
    intercept(200, COMPLETION, json)
    const result = await run(Chat, ['--no-stream', PROMPT], {env: env()})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: fixture('basic.txt')})
  })

  it('--json on a stream prints the assembled completion: exactly the non-streamed object, usage included', async () => {
    intercept(200, fixture('basic.sse'))
    const result = await run(Chat, ['--json', PROMPT], {env: env()})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(JSON.stringify(COMPLETION) + '\n')
  })

  it('--json with --no-stream prints the API object unchanged; pretty on a TTY (-o json)', async () => {
    intercept(200, COMPLETION, json)
    const piped = await run(Chat, ['--json', '--no-stream', PROMPT], {env: env()})
    expect(piped.stdout).toBe(JSON.stringify(COMPLETION) + '\n')
    intercept(200, fixture('basic.sse'))
    const tty = await run(Chat, ['-o', 'json', '--no-color', PROMPT], {env: env(), stdoutTTY: true})
    expect(tty.stdout).toBe(fixture('basic.json'))
  })

  it("the profile's output: json prints the completion as --json does; ndjson, table and plain print the answer", async () => {
    intercept(200, fixture('basic.sse'))
    const asJSON = await run(Chat, [PROMPT], {env: env({output: 'json'})})
    expect(asJSON).toEqual({exitCode: 0, stderr: '', stdout: JSON.stringify(COMPLETION) + '\n'})
    for (const output of ['ndjson', 'table', 'plain']) {
      intercept(200, fixture('basic.sse'))
      const answer = await run(Chat, [PROMPT], {env: env({output})})
      expect(answer, output).toEqual({exitCode: 0, stderr: '', stdout: fixture('basic.txt')})
    }
    intercept(200, fixture('basic.sse'))
    const flagWins = await run(Chat, ['-o', 'plain', PROMPT], {env: env({output: 'json'})})
    expect(flagWins.stdout).toBe(fixture('basic.txt'))
  })

  it('--raw-chunks prints each chunk as one JSON line, as sent (and -o ndjson is the same)', async () => {
    const lines = fixture('basic.sse')
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => event.slice(6) + '\n')
      .join('')
    intercept(200, fixture('basic.sse'))
    const raw = await run(Chat, ['--raw-chunks', PROMPT], {env: env()})
    expect(raw).toEqual({exitCode: 0, stderr: '', stdout: lines})
    intercept(200, fixture('basic.sse'))
    const ndjson = await run(Chat, ['-o', 'ndjson', PROMPT], {env: env()})
    expect(ndjson.stdout).toBe(lines)
  })

  it('tool calls: one line each (id, name, arguments), exit 0', async () => {
    intercept(200, fixture('tool-calls.sse'))
    const result = await run(Chat, ['--tool', file('weather-tool.json'), PROMPT], {env: env()})
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout:
        'call_d5wg\tget_weather\t{"location":"Paris","unit":"celsius"}\ncall_x7kq\tget_time\t{"timezone":"Europe/Paris"}\n',
    })
  })

  it('tool calls with --json: the completion with its tool_calls, exit 0', async () => {
    intercept(200, fixture('tool-calls.sse'))
    const result = await run(Chat, ['--json', PROMPT], {env: env()})
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(fixture('tool-calls.json')))
  })

  it('tool calls without streaming print the same lines', async () => {
    intercept(200, JSON.parse(fixture('tool-calls.json')), json)
    const result = await run(Chat, ['--no-stream', PROMPT], {env: env()})
    expect(result.stdout).toBe(
      'call_d5wg\tget_weather\t{"location":"Paris","unit":"celsius"}\ncall_x7kq\tget_time\t{"timezone":"Europe/Paris"}\n',
    )
  })

  it('reasoning goes to stderr (ended by a newline), the answer to stdout', async () => {
    intercept(200, fixture('reasoning.sse'))
    const result = await run(Chat, ['--reasoning-format', 'parsed', PROMPT], {env: env()})
    expect(result).toEqual({
      exitCode: 0,
      stderr: 'The user asks whether 1009 is prime. Check divisors up to 31.\n',
      stdout: 'Yes, 1009 is prime.\n',
    })
  })

  it('reasoning without streaming goes to stderr too; with --json it stays in the object only', async () => {
    intercept(200, JSON.parse(fixture('reasoning.json')), json)
    const plain = await run(Chat, ['--no-stream', PROMPT], {env: env()})
    expect(plain.stderr).toBe('The user asks whether 1009 is prime. Check divisors up to 31.\n')
    expect(plain.stdout).toBe('Yes, 1009 is prime.\n')
    intercept(200, fixture('reasoning.sse'))
    const asJSON = await run(Chat, ['--json', PROMPT], {env: env()})
    expect(asJSON.stderr).toBe('')
    expect(JSON.parse(asJSON.stdout)).toEqual(JSON.parse(fixture('reasoning.json')))
  })

  it('--stats prints model, tokens, time to first token and speed to stderr', async () => {
    intercept(200, fixture('basic.sse'))
    const result = await run(Chat, ['--stats', PROMPT], {env: env()})
    expect(result.stdout).toBe(fixture('basic.txt'))
    // 21 tokens in 0.0175 s of Groq's completion_time = 1,200 tokens/s
    expect(result.stderr).toMatch(
      /^llama-3\.3-70b-versatile · 18 in, 21 out · first token \d+ ms · 1,200 tokens\/s · queued 37 ms\n$/,
    )
  })

  it('config chat.stats turns stats on; --quiet silences that, --no-stats turns it off', async () => {
    intercept(200, fixture('basic.sse'))
    const on = await run(Chat, [PROMPT], {env: env({'chat.stats': true})})
    expect(on.stderr).toMatch(/^llama-3\.3-70b-versatile · 18 in, 21 out/)
    intercept(200, fixture('basic.sse'))
    expect((await run(Chat, ['-q', PROMPT], {env: env({'chat.stats': true})})).stderr).toBe('')
    intercept(200, fixture('basic.sse'))
    expect((await run(Chat, ['--no-stats', PROMPT], {env: env({'chat.stats': true})})).stderr).toBe('')
  })

  it('warns on stderr when the answer hit the token limit', async () => {
    const cut = {...COMPLETION, choices: [{...COMPLETION.choices[0], finish_reason: 'length'}]}
    intercept(200, cut, json)
    const result = await run(Chat, ['--no-stream', '--max-tokens', '21', PROMPT], {env: env()})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('Warning: the answer was cut short by the token limit (--max-tokens)\n')
  })
})

describe('groq chat: stdin and the prompt', () => {
  const userContent = (body: Record<string, unknown> | undefined) =>
    (body?.messages as Array<{content: unknown}>).at(-1)?.content

  it('piped stdin is context: stdin first, a blank line, then the prompt, in one user message', async () => {
    const {seen} = intercept(200, fixture('basic.sse'))
    const result = await run(Chat, ['write a commit message'], {env: env(), stdin: 'diff --git a/x b/x\n+hello\n'})
    expect(result.exitCode).toBe(0)
    expect(seen.body?.messages).toEqual([
      {role: 'user', content: 'diff --git a/x b/x\n+hello\n\nwrite a commit message'},
    ])
  })

  it('stdin alone is the prompt (its trailing newline dropped)', async () => {
    const {seen} = intercept(200, fixture('basic.sse'))
    await run(Chat, [], {env: env(), stdin: 'What is 2+2?\n'})
    expect(userContent(seen.body)).toBe('What is 2+2?')
  })

  it('"-" as the prompt means stdin', async () => {
    const {seen} = intercept(200, fixture('basic.sse'))
    await run(Chat, ['-'], {env: env(), stdin: 'from stdin\n'})
    expect(userContent(seen.body)).toBe('from stdin')
  })

  it('"-" with empty stdin is a usage error (exit 2), no request', async () => {
    const result = await run(Chat, ['-'], {env: env(), stdin: ''})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: The prompt is "-" (read stdin), but stdin is empty\n',
      stdout: '',
    })
  })

  it('no prompt and nothing on stdin (not a TTY): usage error, exit 2, before looking for a key', async () => {
    const result = await run(Chat, [], {env: tempHome().env, stdin: '  \n'})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: No message to send: give a prompt, pipe text on stdin, or use --message/--messages\n',
      stdout: '',
    })
  })

  it('--messages with no prompt on a TTY sends the messages (no REPL)', async () => {
    const {seen} = intercept(200, fixture('basic.sse'))
    const result = await run(Chat, ['--messages', file('messages.json')], {env: env(), stdinTTY: true, stdoutTTY: true})
    expect(result.exitCode).toBe(0)
    expect(seen.body?.messages).toEqual(JSON.parse(fixture('messages.json')))
  })

  it('--messages - reads the messages from stdin, and the prompt is added after them', async () => {
    const {seen} = intercept(200, fixture('basic.sse'))
    await run(Chat, ['--messages', '-', 'and now?'], {
      env: env(),
      stdin: '[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]',
    })
    expect(seen.body?.messages).toEqual([
      {role: 'user', content: 'a'},
      {role: 'assistant', content: 'b'},
      {role: 'user', content: 'and now?'},
    ])
  })

  it('a prompt with images and piped context: one text part (stdin + prompt), then the images', async () => {
    const {seen} = intercept(200, fixture('basic.sse'))
    await run(Chat, ['--image', 'https://example.com/a.png', 'what is this?'], {env: env(), stdin: 'context'})
    expect(userContent(seen.body)).toEqual([
      {type: 'text', text: 'context\n\nwhat is this?'},
      {type: 'image_url', image_url: {url: 'https://example.com/a.png'}},
    ])
  })
})

describe('groq chat: bad input is refused before any request (exit 2, naming the flag)', () => {
  const cases: Array<[string[], string]> = [
    [['--temperature', '3'], '--temperature: 3 is out of range (must be from 0 to 2)'],
    [['--temperature', 'hot'], '--temperature: "hot" is not a number (must be from 0 to 2)'],
    [['--top-p', '1.5'], '--top-p: 1.5 is out of range (must be from 0 to 1)'],
    [['--max-tokens', '0'], '--max-tokens: 0 is out of range (must be 1 or more)'],
    [['--max-tokens', '1.5'], '--max-tokens: "1.5" is not a whole number (must be 1 or more)'],
    [['--seed', 'x'], '--seed: "x" is not a whole number'],
    [['--n', '2'], '--n: 2 is out of range (must be 1)'],
    [['--frequency-penalty', '-3'], '--frequency-penalty: -3 is out of range (must be from -2 to 2)'],
    [['--presence-penalty', '2.5'], '--presence-penalty: 2.5 is out of range (must be from -2 to 2)'],
    [['--logprobs', '--top-logprobs', '21'], '--top-logprobs: 21 is out of range (must be from 0 to 20)'],
    [['--top-logprobs', '3'], '--top-logprobs: needs --logprobs (the API requires logprobs=true with it)'],
    [
      ['--service-tier', 'fast'],
      '--service-tier: "fast" is not one of auto, on_demand, flex, performance. See "groq chat --help".',
    ],
    [
      ['--reasoning-effort', 'max'],
      '--reasoning-effort: "max" is not one of none, default, low, medium, high. See "groq chat --help".',
    ],
    [
      ['--include-reasoning', '--reasoning-format', 'parsed'],
      '--include-reasoning and --reasoning-format cannot be used together (the API treats them as mutually exclusive)',
    ],
    [
      ['--stop', 'a', '--stop', 'b', '--stop', 'c', '--stop', 'd', '--stop', 'e'],
      '--stop: at most 4 sequences (got 5)',
    ],
    [['--response-format', 'json_schema'], '--response-format json_schema: needs --schema FILE|JSON'],
    [
      ['--response-format', 'json_object', '--schema', '{"type":"object"}'],
      '--schema: only goes with --response-format json_schema (got json_object)',
    ],
    [['--schema', '{"type": '], '--schema: is not valid JSON (it ends early, at line 1, column 10)'],
    [['--schema', '/nonexistent/schema.json'], '--schema: cannot read /nonexistent/schema.json (no such file)'],
    [
      ['--tool', file('broken.json')],
      `--tool: ${file('broken.json')} is not valid JSON (it ends early, at line 2, column 1)`,
    ],
    [
      ['--tool', '{"type":"function","function":{"name":"bad name"}}'],
      '--tool: {"type":"function","function":{"name":"bad name"}}: function name "bad name" must be 1-64 of a-z, A-Z, 0-9, _ and -',
    ],
    [['--tool', '{"function":{}}'], '--tool: {"function":{}} has no "type"'],
    [
      ['--tool-choice', 'get_weather'],
      '--tool-choice: "get_weather" is not none, auto, required or a function name and no --tool defines a function',
    ],
    [
      ['--tool', file('weather-tool.json'), '--tool-choice', 'get_time'],
      '--tool-choice: "get_time" is not none, auto, required or a function name: the --tool functions are get_weather',
    ],
    [
      ['--image', file('not-image.txt')],
      `--image: ${file('not-image.txt')} is not a PNG, JPEG, GIF, WebP or BMP image`,
    ],
    [['--image', '/nonexistent.png'], '--image: cannot read /nonexistent.png (no such file)'],
    [
      ['--message', 'tool=x'],
      '--message: "tool=x" must be role=content with role one of system, developer, user, assistant (tool messages need a tool_call_id: use --messages FILE)',
    ],
    [
      ['--message', 'hello'],
      '--message: "hello" must be role=content with role one of system, developer, user, assistant',
    ],
    [
      ['--messages', file('broken.json')],
      `--messages: ${file('broken.json')} is not valid JSON (it ends early, at line 2, column 1)`,
    ],
    [['--messages', file('doc.json')], `--messages: ${file('doc.json')} must hold a JSON array of messages`],
    [['--logit-bias', '{"12": 0.5}'], '--logit-bias: the bias for token 12 must be a whole number'],
    [['--search-settings', '[1]'], '--search-settings: expected a JSON object'],
    [['--param', 'stream=false'], '--param: stream is decided by --stream/--no-stream'],
    [['--param', 'novalue'], '--param: "novalue" must be key=value'],
    [['--param', '__proto__.x=1'], '--param: "__proto__.x" is not a valid key'],
    [['--raw-chunks', '--no-stream'], '--raw-chunks: needs a stream (drop --no-stream)'],
    [['-o', 'ndjson', '--no-stream'], '-o ndjson: needs a stream (drop --no-stream)'],
    [['--raw-chunks', '--json'], '--raw-chunks: cannot be used with --json'],
  ]
  for (const [argv, message] of cases) {
    it(`${argv.join(' ')}`, async () => {
      // No interceptor: a request would fail the test (nock refuses the connection).
      const result = await run(Chat, [...argv, PROMPT], {env: env()})
      expect(result).toEqual({exitCode: 2, stderr: `Error: ${message}\n`, stdout: ''})
    })
  }
})

describe('groq chat: API and stream failures', () => {
  it('401: one line naming the status and Groq message, exit 3', async () => {
    intercept(
      401,
      {error: {message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key'}},
      {...json, 'x-request-id': 'req_401'},
    )
    const result = await run(Chat, [PROMPT], {env: env()})
    expect(result).toEqual({
      exitCode: 3,
      stderr:
        'Error: 401 Unauthorized: Invalid API Key (invalid_request_error, invalid_api_key) [request id req_401]\n',
      stdout: '',
    })
  })

  it('429: exit 5 (with retries off); a 503 is retried through our transport, saying so on stderr', async () => {
    intercept(429, {error: {message: 'Rate limit reached', type: 'tokens', code: 'rate_limit_exceeded'}}, json)
    const limited = await run(Chat, ['--max-retries', '0', PROMPT], {env: env()})
    expect(limited.exitCode).toBe(5)
    expect(limited.stderr).toBe('Error: 429 Too Many Requests: Rate limit reached (tokens, rate_limit_exceeded)\n')

    const scope = nock(API)
      .post(PATH)
      .reply(503, {error: {message: 'busy'}}, {...json, 'retry-after-ms': '1'})
      .post(PATH)
      .reply(200, fixture('basic.sse'), SSE)
    const retried = await run(Chat, ['--max-retries', '1', PROMPT], {env: env()})
    expect(scope.isDone()).toBe(true)
    expect(retried).toEqual({
      exitCode: 0,
      stderr: '503 service unavailable; retrying in 1 ms (attempt 2 of 2)\n',
      stdout: fixture('basic.txt'),
    })
  })

  it('a request that times out before the answer starts: exit 6', async () => {
    nock(API).post(PATH).delay(500).reply(200, fixture('basic.sse'), SSE)
    const result = await run(Chat, ['--timeout', '50ms', '--max-retries', '0', PROMPT], {env: env()})
    expect(result).toEqual({
      exitCode: 6,
      stderr: 'Error: Request to https://api.groq.com timed out (raise --timeout?)\n',
      stdout: '',
    })
  })

  it('no API key: exit 3, after the request was built (bad flags still exit 2 first)', async () => {
    const result = await run(Chat, [PROMPT], {env: tempHome().env})
    expect(result.exitCode).toBe(3)
  })

  it('an error event mid-stream: the partial answer ends its line, one stderr line, exit 1', async () => {
    intercept(200, fixture('error.sse'))
    const result = await run(Chat, [PROMPT], {env: env()})
    expect(result).toEqual({
      exitCode: 1,
      stderr:
        'Error: Stream error: Service Unavailable: the model is overloaded, please retry (internal_server_error, service_unavailable)\n',
      stdout: 'Partial answer\n',
    })
  })

  describe('a cut connection (a real local server)', () => {
    let server: Server | undefined
    afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

    it('exit 6, the partial answer on stdout', async () => {
      const partial = fixture('error.sse').split('\n\n').slice(0, 3).join('\n\n') + '\n\n'
      server = createServer((request, response) => {
        request.resume()
        request.on('end', () => {
          response.writeHead(200, {'content-type': 'text/event-stream'})
          response.write(partial, () => setTimeout(() => response.socket?.destroy(), 20))
        })
      })
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
      const {port} = server.address() as {port: number}
      const result = await run(Chat, ['--base-url', `http://127.0.0.1:${port}`, PROMPT], {env: env()})
      expect(result.stdout).toBe('Partial answer\n')
      expect(result.exitCode).toBe(6)
      expect(result.stderr).toMatch(/^Error: The connection was cut while streaming the answer \(.+\)\n$/)
    })
  })
})
