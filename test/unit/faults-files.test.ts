/**
 * The fault suite (issue 9) for files and batches (audio's is test/unit/audio-faults.test.ts): the fake Groq of
 * test/helpers/fault-server.ts cuts uploads and downloads part way and rate-limits batch polling; the real commands
 * run in-process against it. Each case:
 * the exit code (6 for a cut connection, 0 when a retry or the poll loop got through), the stderr lines, stdout,
 * and what is on disk (never a partial file, never a temp file left beside the target).
 */
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import nock from 'nock'
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest'

import BatchesResults from '../../src/commands/batches/results.js'
import BatchesRun from '../../src/commands/batches/run.js'
import BatchesWait from '../../src/commands/batches/wait.js'
import FilesDownload from '../../src/commands/files/download.js'
import FilesUpload from '../../src/commands/files/upload.js'
import {customIdFor} from '../../src/lib/batches/run.js'
import {fault, type FaultHandler, startFaultServer} from '../helpers/fault-server.js'
import {KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

// Real sockets between the CLI and the fault server: nock's interceptor (test/setup.ts) would stand in between.
beforeAll(() => nock.restore())
afterAll(() => nock.activate())

const UPLOAD = 'POST /openai/v1/files'
const POLL = 'GET /openai/v1/batches/batch_1'

async function groq(routes: Record<string, FaultHandler | FaultHandler[]>) {
  const server = await startFaultServer({routes})
  onTestFinished(() => server.close())
  const home = tempHome()
  const env = {...home.env, GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url, XDG_STATE_HOME: join(home.root, 'state')}
  return {env, home, server}
}

const folder = () => mkdtempSync(join(tmpdir(), 'groq-faults-'))

/** Every file under a folder, recursively: what a cut transfer left behind. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort()

const chatLine = (id: string, content = 'hi') =>
  JSON.stringify({
    body: {messages: [{content, role: 'user'}], model: 'llama-3.1-8b-instant'},
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
  })

/** A valid batch file of about `bytes` bytes. */
function requestsFile(bytes: number): string {
  const path = join(folder(), 'requests.jsonl')
  const line = chatLine('r', 'x'.repeat(1000))
  const count = Math.ceil(bytes / (line.length + 1))
  writeFileSync(path, Array.from({length: count}, (_, index) => chatLine(`r${index}`, 'x'.repeat(1000))).join('\n'))
  return path
}

const FILE = {bytes: 1, created_at: 1, filename: 'requests.jsonl', id: 'file_up', object: 'file', purpose: 'batch'}
const batch = (status: string, extra: Record<string, unknown> = {}) => ({
  endpoint: '/v1/chat/completions',
  id: 'batch_1',
  input_file_id: 'file_up',
  object: 'batch',
  request_counts: {completed: status === 'completed' ? 2 : 0, failed: 0, total: 2},
  status,
  ...extra,
})

describe('an upload cut mid-way', () => {
  it('files upload: retried from the start of the file, then exit 6; every attempt was cut part way', async () => {
    const path = requestsFile(2_000_000)
    const {env, server} = await groq({[UPLOAD]: fault.cutUpload(300_000)})
    const result = await run(FilesUpload, [path, '--max-retries', '1'], {env})
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /^connection (reset \(ECONNRESET\)|closed \(EPIPE\)); retrying in 0\.[3-5] s \(attempt 2 of 2\)\nError: Cannot reach http:\/\/127\.0\.0\.1:\d+ \((ECONNRESET|EPIPE)\)\n$/,
    )
    expect(result.exitCode).toBe(6)
    expect(server.requests).toHaveLength(2)
    for (const request of server.requests) {
      expect(Number(request.headers['content-length'])).toBeGreaterThan(2_000_000)
    }
  })

  it('files upload: one cut, then the retry sends the whole file again and the id is printed', async () => {
    const path = requestsFile(1_000_000)
    const {env, server} = await groq({[UPLOAD]: [fault.cutUpload(200_000), fault.json(200, FILE)]})
    const result = await run(FilesUpload, [path], {env})
    expect(result).toEqual({
      exitCode: 0,
      stderr: expect.stringMatching(
        /^connection (reset \(ECONNRESET\)|closed \(EPIPE\)); retrying in .+ \(attempt 2 of 3\)\n$/,
      ),
      stdout: 'file_up\n',
    })
    const [, retry] = server.requests
    expect(retry.body.length).toBe(Number(retry.headers['content-length']))
    expect(retry.text).toContain(readFileSync(path, 'utf8'))
  })
})

describe('a download cut mid-way: exit 6, not retried, no partial file and no temp file', () => {
  const cutAfter = (bytes: number) => `Error: Download interrupted after ${bytes} bytes: aborted (ECONNRESET)\n`
  const cut = (bytes: number) =>
    fault.cutBody(200, {'content-length': String(bytes), 'content-type': 'application/octet-stream'}, 'x'.repeat(100))

  it('files download -O', async () => {
    const dir = folder()
    const {env, server} = await groq({'GET /openai/v1/files/file_a/content': cut(100_000)})
    const result = await run(FilesDownload, ['file_a', '-O', join(dir, 'out.jsonl')], {env})
    expect(result).toEqual({exitCode: 6, stderr: cutAfter(100), stdout: ''})
    expect(server.requests).toHaveLength(1)
    expect(filesUnder(dir)).toEqual([])
  })

  it('files download -O over an existing file with --force: the old file is kept whole', async () => {
    const dir = folder()
    writeFileSync(join(dir, 'out.jsonl'), 'the old content\n')
    const {env} = await groq({'GET /openai/v1/files/file_a/content': cut(100_000)})
    const result = await run(FilesDownload, ['file_a', '-O', join(dir, 'out.jsonl'), '--force'], {env})
    expect(result.exitCode).toBe(6)
    expect(filesUnder(dir)).toEqual(['out.jsonl'])
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe('the old content\n')
  })

  it('batches results --join: the error file cut after the output file came: no joined file', async () => {
    const dir = folder()
    const input = join(dir, 'input.jsonl')
    writeFileSync(input, [chatLine('a'), chatLine('b')].join('\n') + '\n')
    const {env} = await groq({
      'GET /openai/v1/batches/batch_1': fault.json(
        200,
        batch('completed', {error_file_id: 'file_err', output_file_id: 'file_out'}),
      ),
      'GET /openai/v1/files/file_err/content': cut(5000),
      'GET /openai/v1/files/file_out/content': fault.reply(200, JSON.stringify({custom_id: 'a', response: {}}) + '\n'),
    })
    const result = await run(BatchesResults, ['batch_1', '--join', input, '-O', join(dir, 'joined.jsonl')], {env})
    expect(result).toEqual({exitCode: 6, stderr: cutAfter(100), stdout: ''})
    expect(filesUnder(dir)).toEqual(['input.jsonl'])
  })
})

describe('429 while polling a batch', () => {
  it('batches wait: each retry said, the poll loop goes on after the retries, exit 0 with the final Batch', async () => {
    const {env, server} = await groq({
      [POLL]: [
        fault.rateLimited({retryAfter: '0'}),
        fault.rateLimited({retryAfter: '0'}),
        fault.rateLimited({retryAfter: '0'}),
        fault.json(200, batch('in_progress')),
        fault.rateLimited({retryAfter: '0'}),
        fault.json(200, batch('completed', {output_file_id: 'file_out'})),
      ],
    })
    const result = await run(BatchesWait, ['batch_1', '--interval', '1ms', '--json'], {env})
    expect(result.stderr).toBe(
      [
        '429 rate limited; retrying in 0 ms (attempt 2 of 3)',
        '429 rate limited; retrying in 0 ms (attempt 3 of 3)',
        // The third 429 ends the request's retries; the wait says so and polls again after Retry-After.
        'batch_1 429 rate limited; polling again in 0 ms',
        'batch_1 in_progress 0/0/2',
        '429 rate limited; retrying in 0 ms (attempt 2 of 3)',
        'batch_1 completed 2/0/2',
        '',
      ].join('\n'),
    )
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(batch('completed', {output_file_id: 'file_out'}))
    expect(server.requests).toHaveLength(6)
  })

  it('a Retry-After longer than max_retry_wait is not waited by the request, and --timeout still ends the wait (exit 6)', async () => {
    const {env, server} = await groq({[POLL]: fault.rateLimited({retryAfter: '3600'})})
    const result = await run(BatchesWait, ['batch_1', '--timeout', '300ms'], {env})
    expect(result).toEqual({
      exitCode: 6,
      stderr:
        'batch_1 429 rate limited; polling again in 1 h\n' +
        'Error: Timed out after 300ms waiting for batch_1 (no answer yet); it keeps running on Groq. ' +
        'Resume with: groq batches wait batch_1\n',
      stdout: '',
    })
    expect(server.requests).toHaveLength(1)
  })

  it('batches run --wait: 429s while polling, then the output download cut: exit 6, no joined file; --resume completes it', async () => {
    const dir = folder()
    const prompts = join(dir, 'prompts.txt')
    writeFileSync(prompts, 'alpha\nbeta\n')
    const ids = [customIdFor(1, 'alpha'), customIdFor(2, 'beta')]
    const output = ids.map((id) => JSON.stringify({custom_id: id, response: {body: {id}, status_code: 200}}))
    const done = batch('completed', {output_file_id: 'file_out'})
    const {env, server} = await groq({
      'GET /openai/v1/files/file_out/content': [
        fault.cutBody(200, {'content-length': '5000'}, output[0]),
        fault.reply(200, [...output].reverse().join('\n') + '\n'),
      ],
      'POST /openai/v1/batches': fault.json(200, batch('validating')),
      [POLL]: [fault.rateLimited({retryAfter: '0'}), fault.json(200, done)],
      [UPLOAD]: fault.json(200, FILE),
    })
    const out = join(dir, 'results.jsonl')
    const args = [prompts, '--wait', '--interval', '1ms', '-O', out, '--max-retries', '0']

    const first = await run(BatchesRun, args, {env})
    expect(first).toEqual({
      exitCode: 6,
      stderr:
        'Created batch batch_1 (requests 1-2)\n' +
        'batch_1 429 rate limited; polling again in 0 ms\n' +
        'batch_1 completed 2/0/2\n' +
        `Error: Download interrupted after ${Buffer.byteLength(output[0])} bytes: aborted (ECONNRESET)\n`,
      stdout: '',
    })
    expect(filesUnder(dir)).toEqual(['prompts.txt'])

    const second = await run(BatchesRun, [...args, '--resume'], {env})
    expect(second).toEqual({
      exitCode: 0,
      stderr: 'Reusing batch batch_1 (requests 1-2)\nbatch_1 completed 2/0/2\n',
      stdout: '',
    })
    // In input order, whatever order the output file had.
    expect(
      readFileSync(out, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).custom_id),
    ).toEqual(ids)
    // One upload and one batch: the resumed run paid for nothing twice.
    const posts = server.requests.filter((request) => request.method === 'POST').map((request) => request.path)
    expect(posts).toEqual(['/openai/v1/files', '/openai/v1/batches'])
  })
})
