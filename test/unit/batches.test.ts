import {mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import BatchesList from '../../src/commands/batches/list.js'
import BatchesResults from '../../src/commands/batches/results.js'
import BatchesRun from '../../src/commands/batches/run.js'
import BatchesWait from '../../src/commands/batches/wait.js'
import {KEY} from '../helpers/fixtures.js'
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
async function batchServer(options: {endStatus?: string; rateLimitPolls?: number} = {}) {
  const files = new Map<string, string>()
  const batches = new Map<string, Batch>()
  const log: string[] = []
  let rateLimited = 0
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
  for (const server of servers.splice(0)) await new Promise((done) => server.close(done))
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

  it('wait polls through 429s (honouring Retry-After) and --timeout exits 6', async () => {
    const server = await batchServer({rateLimitPolls: 3})
    const env = homeWith(server.url)
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    const prompts = join(folder, 'p.txt')
    writeFileSync(prompts, 'x\n')
    await run(BatchesRun, [prompts], {env})
    const done = await run(BatchesWait, ['batch_1', '--interval', '1ms', '--max-retries', '0'], {env})
    expect(done.exitCode).toBe(0)
    expect(server.log.filter((entry) => entry === 'GET /openai/v1/batches/batch_1').length).toBeGreaterThan(4)

    const slow = await batchServer()
    const env2 = homeWith(slow.url)
    await run(BatchesRun, [prompts], {env: env2})
    const timedOut = await run(BatchesWait, ['batch_1', '--interval', '200ms', '--timeout', '100ms'], {env: env2})
    expect(timedOut.exitCode).toBe(6)
    expect(timedOut.stderr).toContain('Timed out waiting for batch_1')
  })

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

  it('list: piped rows, --status filter, --json', async () => {
    const server = await batchServer()
    const env = homeWith(server.url)
    const folder = mkdtempSync(join(tmpdir(), 'groq-run-'))
    writeFileSync(join(folder, 'p.txt'), 'x\n')
    await run(BatchesRun, [join(folder, 'p.txt')], {env})
    expect((await run(BatchesList, [], {env})).stdout).toBe('batch_1\tvalidating\t0/0/1\t\t/v1/chat/completions\n')
    expect((await run(BatchesList, ['--status', 'completed'], {env})).stdout).toBe('')
    expect(JSON.parse((await run(BatchesList, ['--json'], {env})).stdout).data[0].id).toBe('batch_1')
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
