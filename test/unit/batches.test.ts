import {mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import nock from 'nock'
import {afterEach, describe, expect, it} from 'vitest'

import BatchesList from '../../src/commands/batches/list.js'
import BatchesResults from '../../src/commands/batches/results.js'
import BatchesRun from '../../src/commands/batches/run.js'
import BatchesWait from '../../src/commands/batches/wait.js'
import {paramFlags} from '../../src/lib/chat/flags.js'
import {CHAT_PARAMS} from '../../src/lib/chat/params.js'
import {API, KEY} from '../helpers/fixtures.js'
import {expectListModes} from '../helpers/list-modes.js'
import {run, tempHome} from '../helpers/run.js'

interface Batch {
  id: string
  input_file_id: string
  status: string
  polls: number
  [field: string]: unknown
}

/**
 * A small Groq: files (multipart upload, content) and batches that move validating → in_progress → finalizing →
 * completed (or `endStatus`) one poll at a time. The output file lists the results in reverse input order; the last
 * request of each batch fails and goes to the error file.
 */
async function batchServer(
  options: {
    endStatus?: string
    /** Polls (GET /batches/ID, counted from 1) that are never answered: a hung connection. */
    hangPolls?: number[]
    rateLimitPolls?: number
  } = {},
) {
  const files = new Map<string, string>()
  const batches = new Map<string, Batch>()
  const log: string[] = []
  let rateLimited = 0
  let polls = 0
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const url = req.url ?? ''
    log.push(`${req.method} ${url}`)
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, {'content-type': 'application/json', ...headers}).end(JSON.stringify(value))
    if (req.method === 'POST' && url === '/openai/v1/files') {
      const boundary = /boundary=(\S+)/.exec(req.headers['content-type'] ?? '')![1]
      const start = body.indexOf('\r\n\r\n', body.indexOf('name="file"')) + 4
      const content = body.slice(start, body.lastIndexOf(`\r\n--${boundary}--`))
      const id = `file_${files.size + 1}`
      files.set(id, content)
      return json(200, {bytes: content.length, id, object: 'file', purpose: 'batch'})
    }
    if (req.method === 'POST' && url === '/openai/v1/batches') {
      const {input_file_id: inputFileId} = JSON.parse(body) as {input_file_id: string}
      const batch: Batch = {
        id: `batch_${batches.size + 1}`,
        input_file_id: inputFileId,
        object: 'batch',
        polls: 0,
        status: 'validating',
      }
      batches.set(batch.id, batch)
      return json(200, view(batch))
    }
    const batchMatch = /^\/openai\/v1\/batches\/([^/]+)$/.exec(url)
    if (req.method === 'GET' && batchMatch) {
      if (options.hangPolls?.includes(++polls)) return
      if (options.rateLimitPolls && rateLimited < options.rateLimitPolls) {
        rateLimited++
        return json(429, {error: {message: 'slow down'}}, {'retry-after': '0'})
      }
      const batch = batches.get(batchMatch[1])!
      batch.polls++
      const steps = ['validating', 'in_progress', 'finalizing', options.endStatus ?? 'completed']
      batch.status = steps[Math.min(batch.polls, steps.length - 1)]
      if (batch.status === 'completed' && !batch.output_file_id) finish(batch)
      if (batch.status === 'failed')
        batch.errors = {data: [{code: 'invalid', message: 'model not found'}], object: 'list'}
      return json(200, view(batch))
    }
    const contentMatch = /^\/openai\/v1\/files\/([^/]+)\/content$/.exec(url)
    if (req.method === 'GET' && contentMatch) {
      const content = files.get(contentMatch[1])
      if (content === undefined) return json(404, {error: {message: 'no such file'}})
      return res.writeHead(200, {'content-type': 'application/octet-stream'}).end(content)
    }
    if (req.method === 'GET' && url === '/openai/v1/batches') {
      return json(200, {data: [...batches.values()].map(view), object: 'list'})
    }
    json(404, {error: {message: `no route ${req.method} ${url}`}})
  })

  function view(batch: Batch) {
    const {polls: _polls, ...rest} = batch
    const total = files.get(batch.input_file_id)!.trimEnd().split('\n').length
    const done = batch.status === 'completed' ? total : batch.status === 'in_progress' ? 1 : 0
    return {
      ...rest,
      endpoint: '/v1/chat/completions',
      request_counts: {completed: Math.max(0, done - (done ? 1 : 0)), failed: done ? 1 : 0, total},
    }
  }

  function finish(batch: Batch) {
    const requests = files
      .get(batch.input_file_id)!
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as {custom_id: string; body: {messages: Array<{content: string}>}})
    const ok = requests.slice(0, -1).reverse()
    const failed = requests.at(-1)!
    const outputId = `file_${files.size + 1}`
    files.set(
      outputId,
      ok
        .map((request) =>
          JSON.stringify({
            custom_id: request.custom_id,
            response: {body: {answer: request.body.messages.at(-1)!.content.toUpperCase()}, status_code: 200},
          }),
        )
        .join('\n') + '\n',
    )
    const errorId = `file_${files.size + 1}`
    files.set(
      errorId,
      JSON.stringify({custom_id: failed.custom_id, error: {code: 'server_error', message: 'boom'}}) + '\n',
    )
    batch.output_file_id = outputId
    batch.error_file_id = errorId
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()))
  const url = `http://127.0.0.1:${(server.address() as {port: number}).port}`
  servers.push(server)
  return {batches, files, log, url}
}

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections() // a hung poll's too
    await new Promise((done) => server.close(done))
  }
})

function homeWith(url: string, settings: Record<string, unknown> = {}) {
  const home = tempHome()
  mkdirSync(join(home.configHome, 'groq'), {recursive: true})
  writeFileSync(join(home.configHome, 'groq', 'config.json'), JSON.stringify({profiles: {default: settings}}), {
    mode: 0o600,
  })
  return {...home.env, GROQ_API_KEY: KEY, GROQ_BASE_URL: url, XDG_STATE_HOME: join(home.root, 'state')}
}

const PROMPTS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']

describe('batches run against a local server', () => {
  it('--wait -O writes the joined results in input order; --resume creates nothing new and keeps the file', async () => {
    const server = await batchServer()
    const env = homeWith(server.url, {'batches.max_requests': 3})
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'prompts.txt')
    writeFileSync(prompts, PROMPTS.join('\n') + '\n')
    const out = join(folder, 'out.jsonl')
    const args = [
      prompts,
      '-m',
      'llama-3.1-8b-instant',
      '--system',
      'Be brief',
      '--wait',
      '--interval',
      '1ms',
      '-O',
      out,
    ]

    const first = await run(BatchesRun, args, {env})
    expect(first.stderr).toContain('Created batch batch_1 (requests 1-3)')
    expect(first.stderr).toContain('Created batch batch_2 (requests 4-5)')
    expect(first.stderr).toContain('batch_1 in_progress')
    expect(first.stderr).toContain('batch_1 finalizing')
    expect(first.stderr).toContain('batch_1 completed 2/1/3')
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toBe('')

    // Two batches (split at 3 requests), each line a chat request with the system message and a stable custom_id.
    const uploaded = [...server.files.values()]
      .slice(0, 1)[0]
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(uploaded[0]).toEqual({
      body: {
        messages: [
          {content: 'Be brief', role: 'system'},
          {content: 'alpha', role: 'user'},
        ],
        model: 'llama-3.1-8b-instant',
      },
      custom_id: expect.stringMatching(/^1-[0-9a-f]{8}$/),
      method: 'POST',
      url: '/v1/chat/completions',
    })

    const joined = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(joined.map((line) => line.custom_id.split('-')[0])).toEqual(['1', '2', '3', '4', '5'])
    expect(joined.map((line) => line.response?.body.answer ?? line.error.message)).toEqual([
      'ALPHA',
      'BETA',
      'boom',
      'DELTA',
      'boom',
    ])

    const created = server.log.filter((entry) => entry.startsWith('POST')).length
    const mtime = statSync(out).mtimeMs
    const second = await run(BatchesRun, [...args, '--resume'], {env})
    expect(second.exitCode).toBe(0)
    expect(server.log.filter((entry) => entry.startsWith('POST')).length).toBe(created)
    expect(second.stderr).toContain('Reusing batch batch_1 (requests 1-3)')
    expect(second.stderr).toContain(`${out} is already complete`)
    expect(statSync(out).mtimeMs).toBe(mtime)
  })

  it('without --wait prints the batch ids at once', async () => {
    const server = await batchServer()
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'prompts.txt')
    writeFileSync(prompts, 'one\ntwo\n')
    const result = await run(BatchesRun, [prompts], {env: homeWith(server.url)})
    expect(result.stdout).toBe('batch_1\tvalidating\t0/0/2\t\t/v1/chat/completions\n')
  })

  it('a batch that ends failed exits 1 with the reason, printing the final Batch', async () => {
    const server = await batchServer({endStatus: 'failed'})
    const env = homeWith(server.url)
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'p.txt')
    writeFileSync(prompts, 'x\n')
    await run(BatchesRun, [prompts], {env})
    const result = await run(BatchesWait, ['batch_1', '--interval', '1ms', '--json'], {env})
    expect(result.exitCode).toBe(1)
    expect(JSON.parse(result.stdout).status).toBe('failed')
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('Error: Batch batch_1 failed: model not found')
  })

  it('wait polls through 429s, honouring Retry-After', async () => {
    const server = await batchServer({rateLimitPolls: 3})
    const env = homeWith(server.url)
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'p.txt')
    writeFileSync(prompts, 'x\n')
    await run(BatchesRun, [prompts], {env})
    const done = await run(BatchesWait, ['batch_1', '--interval', '1ms', '--max-retries', '0'], {env})
    expect(done.exitCode).toBe(0)
    expect(server.log.filter((entry) => entry === 'GET /openai/v1/batches/batch_1')).toHaveLength(3 + 3)
  })
})

describe('batches wait --timeout: the whole wait, not each request', () => {
  async function created(server: Awaited<ReturnType<typeof batchServer>>, settings: Record<string, unknown> = {}) {
    const env = homeWith(server.url, settings)
    const prompts = join(mkdtempSync(join(tmpdir(), 'groq-run-')), 'p.txt')
    writeFileSync(prompts, 'x\n')
    expect((await run(BatchesRun, [prompts], {env})).exitCode).toBe(0)
    return env
  }

  it('ends the wait at the deadline, in a pause between polls: exit 6, the last status and how to resume', async () => {
    const server = await batchServer()
    const env = await created(server)
    const result = await run(BatchesWait, ['batch_1', '--interval', '30s', '--timeout', '100ms'], {env})
    expect(result).toEqual({
      exitCode: 6,
      stderr:
        'batch_1 in_progress 0/1/1\n' +
        'Error: Timed out after 100ms waiting for batch_1 (in_progress); it keeps running on Groq. ' +
        'Resume with: groq batches wait batch_1\n',
      stdout: '',
    })
  })

  it('cuts off a poll in flight at the deadline (the request timeout is longer)', async () => {
    const server = await batchServer({hangPolls: [1]})
    const env = await created(server, {timeout: '60s'})
    const result = await run(BatchesWait, ['batch_1', '--timeout', '300ms'], {env})
    expect(result).toEqual({
      exitCode: 6,
      stderr:
        'Error: Timed out after 300ms waiting for batch_1 (no answer yet); it keeps running on Groq. ' +
        'Resume with: groq batches wait batch_1\n',
      stdout: '',
    })
    expect(server.log.filter((entry) => entry.startsWith('GET'))).toEqual(['GET /openai/v1/batches/batch_1'])
  })

  it('does not stretch each poll: a poll that outlives the request timeout (config timeout) is polled again', async () => {
    const server = await batchServer({hangPolls: [1]})
    const env = await created(server, {timeout: '200ms'})
    // Before, --timeout replaced the request timeout too: the hung first poll held the whole 5 s (exit 6).
    const result = await run(BatchesWait, ['batch_1', '--interval', '1ms', '--timeout', '5s', '--max-retries', '0'], {
      env,
    })
    // The poll that got no answer in time is said (issue 9: say what is happening), then polled again.
    expect(result.stderr).toBe(
      'batch_1 no answer in time; polling again in 1 ms\n' +
        'batch_1 in_progress 0/1/1\nbatch_1 finalizing 0/0/1\nbatch_1 completed 0/1/1\n',
    )
    expect(result.exitCode).toBe(0)
    expect(server.log.filter((entry) => entry.startsWith('GET'))).toHaveLength(1 + 3)
  })

  it('the global --timeout is taken by this one: it is not a request timeout here, and the help says so', async () => {
    const help = BatchesWait.flags.timeout.description!
    expect(help).toContain('bound the whole wait')
    expect(help).toContain('Not the request timeout: each poll has the usual one (config timeout, default 60s)')
    expect(BatchesWait.description).toContain('--timeout bounds the whole wait')
  })
})

describe('batches run: the request lines', () => {
  it('every chat request flag reaches every batch line, as groq chat would send it', async () => {
    const server = await batchServer()
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'p.txt')
    writeFileSync(prompts, 'alpha\n{"messages":[{"role":"user","content":"beta"}],"temperature":1}\n')
    const history = join(folder, 'history.json')
    writeFileSync(
      history,
      JSON.stringify([
        {content: 'earlier', role: 'user'},
        {content: 'noted', role: 'assistant'},
      ]),
    )
    const tool = {function: {name: 'get_weather', parameters: {type: 'object'}}, type: 'function'}
    const schema = {properties: {label: {type: 'string'}}, type: 'object'}
    // flag → [arguments, the body field and value it must give]; every flag of the chat parameter table is here.
    const SAMPLES: Record<string, [string[], string, unknown]> = {
      'citation-options': [['enabled'], 'citation_options', 'enabled'],
      'compound-custom': [
        ['{"tools":{"enabled_tools":["web_search"]}}'],
        'compound_custom',
        {tools: {enabled_tools: ['web_search']}},
      ],
      'disable-tool-validation': [[], 'disable_tool_validation', true],
      document: [
        ['{"source":{"type":"text","text":"a fact"}}'],
        'documents',
        [{source: {text: 'a fact', type: 'text'}}],
      ],
      'frequency-penalty': [['0.5'], 'frequency_penalty', 0.5],
      'include-reasoning': [[], 'include_reasoning', true], // with --reasoning-format refused: a second run below
      'logit-bias': [['{"1234":-100}'], 'logit_bias', {1234: -100}],
      logprobs: [[], 'logprobs', true],
      'max-tokens': [['100'], 'max_completion_tokens', 100],
      n: [['1'], 'n', 1],
      'parallel-tool-calls': [[], 'parallel_tool_calls', true],
      'presence-penalty': [['-0.5'], 'presence_penalty', -0.5],
      'reasoning-effort': [['low'], 'reasoning_effort', 'low'],
      'reasoning-format': [['parsed'], 'reasoning_format', 'parsed'],
      'response-format': [
        ['json_schema'],
        'response_format',
        {json_schema: {name: 'response', schema}, type: 'json_schema'},
      ],
      'search-settings': [['{"country":"france"}'], 'search_settings', {country: 'france'}],
      seed: [['42'], 'seed', 42],
      'service-tier': [['flex'], 'service_tier', 'flex'],
      stop: [['END', '--stop', 'STOP'], 'stop', ['END', 'STOP']],
      temperature: [['0.3'], 'temperature', 0.3],
      tool: [[JSON.stringify(tool), '--tool', 'browser_search'], 'tools', [tool, {type: 'browser_search'}]],
      'tool-choice': [['get_weather'], 'tool_choice', {function: {name: 'get_weather'}, type: 'function'}],
      'top-logprobs': [['3'], 'top_logprobs', 3],
      'top-p': [['0.9'], 'top_p', 0.9],
      user: [['u-1'], 'user', 'u-1'],
    }
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(paramFlags()).sort())
    const argv = (flags: string[]) => flags.flatMap((flag) => [`--${flag}`, ...SAMPLES[flag][0]])
    const fields = (flags: string[]) => Object.fromEntries(flags.map((flag) => [SAMPLES[flag][1], SAMPLES[flag][2]]))
    const together = Object.keys(SAMPLES).filter((flag) => flag !== 'include-reasoning')
    const common = ['-m', 'openai/gpt-oss-20b', '-s', 'Be brief', '--messages', history, '--message', 'user=context']
    const result = await run(
      BatchesRun,
      [prompts, ...common, ...argv(together), '--schema', JSON.stringify(schema), '--param', 'store=false'],
      {env: homeWith(server.url)},
    )
    expect(result.stderr).toBe('Created batch batch_1 (requests 1-2)\n')
    expect(result.exitCode).toBe(0)

    const before = [
      {content: 'Be brief', role: 'system'},
      {content: 'earlier', role: 'user'},
      {content: 'noted', role: 'assistant'},
      {content: 'context', role: 'user'},
    ]
    const lines = server.files
      .get('file_1')!
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    const body = {model: 'openai/gpt-oss-20b', ...fields(together), store: false}
    expect(lines.map((line) => line.body)).toEqual([
      {...body, messages: [...before, {content: 'alpha', role: 'user'}]},
      // A JSONL prompt's own fields win over the flags.
      {...body, messages: [...before, {content: 'beta', role: 'user'}], temperature: 1},
    ])
    // The exact key order too: the body is built as chat builds it.
    const tableOrder = CHAT_PARAMS.map((param) => param.field).filter((field) => field in fields(together))
    expect(Object.keys(lines[0].body)).toEqual(['model', 'messages', ...tableOrder, 'store'])

    const second = await batchServer()
    const alone = await run(BatchesRun, [prompts, '--include-reasoning'], {env: homeWith(second.url)})
    expect(alone.exitCode).toBe(0)
    const first = JSON.parse(second.files.get('file_1')!.split('\n')[0])
    expect(first.body).toEqual({
      include_reasoning: true,
      messages: [{content: 'alpha', role: 'user'}],
      model: 'llama-3.3-70b-versatile',
    })
  })

  it('a bad chat flag value, or --messages -, is refused before any request (exit 2, naming the flag)', async () => {
    const server = await batchServer()
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'p.txt')
    writeFileSync(prompts, 'x\n')
    const env = homeWith(server.url)
    const cases: Array<[string[], string]> = [
      [['--temperature', '3'], '--temperature: 3 is out of range (must be from 0 to 2)'],
      [['--top-logprobs', '2'], '--top-logprobs: needs --logprobs (the API requires logprobs=true with it)'],
      [
        ['--tool-choice', 'nope'],
        '--tool-choice: "nope" is not none, auto, required or a function name and no --tool defines a function',
      ],
      [['--param', 'stream=true'], '--param: stream is decided by --stream/--no-stream'],
      [['--messages', '-'], '--messages: "-" (stdin) is not available here; stdin can only be PROMPTS: give a file'],
    ]
    for (const [flags, message] of cases) {
      const result = await run(BatchesRun, [prompts, ...flags], {env})
      expect(result, flags.join(' ')).toEqual({exitCode: 2, stderr: `Error: ${message}\n`, stdout: ''})
    }
    expect(server.log).toEqual([])
  })

  it('run refuses bad prompts input with FILE:LINE before any request', async () => {
    const server = await batchServer()
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'p.jsonl')
    writeFileSync(prompts, '{"custom_id":"a","body":{"model":"m"},"url":"/v1/embeddings"}\nfine\n')
    const result = await run(BatchesRun, [prompts], {env: homeWith(server.url)})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(`${prompts}:1: url: must be one of`)
    expect(server.log).toEqual([])
  })
})

describe('batches results', () => {
  it('results --join writes one line per input line in input order and names the ids with no result', async () => {
    const server = await batchServer()
    const env = homeWith(server.url)
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'p.txt')
    writeFileSync(prompts, 'a\nb\nc\n')
    await run(BatchesRun, [prompts, '--wait', '--interval', '1ms', '-O', join(folder, 'x.jsonl')], {env})
    const input = join(folder, 'input.jsonl')
    const uploaded = server.files.get('file_1')!
    writeFileSync(
      input,
      uploaded +
        JSON.stringify({
          custom_id: 'extra',
          method: 'POST',
          url: '/v1/chat/completions',
          body: {model: 'm', messages: [1]},
        }) +
        '\n',
    )
    const out = join(folder, 'joined.jsonl')
    const result = await run(BatchesResults, ['batch_1', '--join', input, '-O', out], {env})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('No result for 1 input line(s): extra\n')
    const ids = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).custom_id as string)
    expect(ids.map((id) => id.split('-')[0])).toEqual(['1', '2', '3', 'extra'])

    const plain = await run(BatchesResults, ['batch_1'], {env})
    expect(plain.stdout.trimEnd().split('\n')).toHaveLength(2)
    expect(plain.stderr).toBe('Batch batch_1 has an error file (1 failed): save it with --errors PATH\n')
  })
})

const BATCH_A = {
  completion_window: '24h',
  created_at: 1_736_472_501,
  endpoint: '/v1/chat/completions',
  id: 'batch_a',
  input_file_id: 'file_in_a',
  object: 'batch',
  request_counts: {completed: 98, failed: 2, total: 100},
  status: 'completed',
}
const BATCH_B = {
  ...BATCH_A,
  created_at: 1_736_500_000,
  id: 'batch_b',
  input_file_id: 'file_in_b',
  request_counts: {completed: 10, failed: 0, total: 40},
  status: 'in_progress',
}
const BATCHES = {data: [BATCH_A, BATCH_B], object: 'list'}

describe('batches list', () => {
  const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})
  const before = () => nock(API).get('/openai/v1/batches').reply(200, BATCHES)

  it('four modes, newest first: TTY table, piped rows, --json (the API object), -o ndjson', async () => {
    await expectListModes(BatchesList, [], {
      before,
      env: env(),
      json: BATCHES,
      ndjson: [BATCH_B, BATCH_A],
      table: [
        'ID       STATUS       COMPLETED/FAILED/TOTAL  CREATED (UTC)     ENDPOINT',
        'batch_b  in_progress  10/0/40                 2025-01-10 09:06  /v1/chat/completions',
        'batch_a  completed    98/2/100                2025-01-10 01:28  /v1/chat/completions',
      ],
      tsv: [
        ['batch_b', 'in_progress', '10/0/40', '1736500000', '/v1/chat/completions'],
        ['batch_a', 'completed', '98/2/100', '1736472501', '/v1/chat/completions'],
      ],
    })
  })

  it('--status filters every mode; --json keeps the API object with data narrowed', async () => {
    await expectListModes(BatchesList, ['--status', 'completed'], {
      before,
      env: env(),
      json: {...BATCHES, data: [BATCH_A]},
      ndjson: [BATCH_A],
      table: [
        'ID       STATUS     COMPLETED/FAILED/TOTAL  CREATED (UTC)     ENDPOINT',
        'batch_a  completed  98/2/100                2025-01-10 01:28  /v1/chat/completions',
      ],
      tsv: [['batch_a', 'completed', '98/2/100', '1736472501', '/v1/chat/completions']],
    })
    await expectListModes(BatchesList, ['--status', 'failed'], {
      before,
      env: env(),
      json: {...BATCHES, data: []},
      ndjson: [],
      table: [],
      tsv: [],
    })
  })

  it("--status takes only the spec's statuses (exit 2, no request)", async () => {
    const result = await run(BatchesList, ['--status', 'done'], {env: env()})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /^Error: --status: "done" is not one of validating, failed, in_progress, finalizing, completed, expired, cancelling, cancelled\. See /,
    )
  })
})
