/**
 * files and batches through the built CLI against Prism (every request validated against Groq's spec). Prism's
 * answers are placeholders ("string", 0), so these prove the wiring: routing, the request each command sends,
 * stdout/stderr and exit codes.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, inject, it, type TestContext} from 'vitest'

import {BIN, cleanEnv, makeHome, runCli, startServer} from '../helpers/cli.js'

const prismURL = inject('prismURL')
// Contract tests: skipped when Groq's spec is missing outside CI (test/helpers/spec.ts).
const withPrism = describe.skipIf(!prismURL)
const KEY = 'gsk_e2e_0123456789'

async function prismProxy(onTestFinished: TestContext['onTestFinished']) {
  const proxy = await startServer({proxy: prismURL})
  onTestFinished(() => proxy.close())
  return proxy
}

const REQUESTS =
  JSON.stringify({
    body: {messages: [{content: 'hi', role: 'user'}], model: 'llama-3.1-8b-instant'},
    custom_id: 'r1',
    method: 'POST',
    url: '/v1/chat/completions',
  }) + '\n'

withPrism.concurrent('files and batches against Prism', () => {
  it('files upload sends a multipart form Prism accepts, with Content-Length; prints the id', async ({
    expect,
    onTestFinished,
  }) => {
    const proxy = await prismProxy(onTestFinished)
    const dir = mkdtempSync(join(tmpdir(), 'groq-e2e-files-'))
    writeFileSync(join(dir, 'requests.jsonl'), REQUESTS)
    const result = await runCli(['files', 'upload', join(dir, 'requests.jsonl')], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url},
    })
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('string\n')
    const [request] = proxy.requests
    expect(request.response?.status).toBe(200)
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(Number(request.headers['content-length'])).toBe(request.body.length)
    expect(request.headers['transfer-encoding']).toBeUndefined()
  })

  it('files list / get / rm --yes / download -O, and batches list / get / cancel --yes', async ({
    expect,
    onTestFinished,
  }) => {
    const proxy = await prismProxy(onTestFinished)
    const env = {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url}
    const dir = mkdtempSync(join(tmpdir(), 'groq-e2e-files-'))
    const runs = await Promise.all([
      runCli(['files', 'list', '--json'], {env}),
      runCli(['files', 'get', 'file_x'], {env}),
      runCli(['files', 'rm', 'file_x', '--yes'], {env}),
      runCli(['files', 'download', 'file_x', '-O', join(dir, 'content.bin')], {env}),
      runCli(['batches', 'list'], {env}),
      runCli(['batches', 'get', 'batch_x', '--json'], {env}),
      runCli(['batches', 'cancel', 'batch_x', '--yes', '--json'], {env}),
    ])
    for (const result of runs) expect(result.exitCode, result.stderr).toBe(0)
    const [list, get, rm, download, batches, batch, cancel] = runs
    expect(JSON.parse(list.stdout).object).toBe('list')
    expect(get.stdout).toContain('id\tstring\n')
    expect(rm.stdout).toBe('file_x\n')
    expect(download.stderr).toMatch(/^Saved .*content\.bin \(\d+ bytes\)\n$/)
    expect(readFileSync(join(dir, 'content.bin')).length).toBeGreaterThan(0)
    expect(batches.stdout.split('\t')[0]).toBe('string')
    expect(JSON.parse(batch.stdout).object).toBe('batch')
    expect(JSON.parse(cancel.stdout).object).toBe('batch')
    const failed = proxy.requests.filter((request) => request.response?.status !== 200)
    expect(failed).toEqual([])
  })

  it('batches create --file uploads then creates; results and wait reach Prism', async ({expect, onTestFinished}) => {
    const proxy = await prismProxy(onTestFinished)
    const env = {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url}
    const dir = mkdtempSync(join(tmpdir(), 'groq-e2e-batches-'))
    writeFileSync(join(dir, 'requests.jsonl'), REQUESTS)
    const [create, results, wait] = await Promise.all([
      runCli(['batches', 'create', '--file', join(dir, 'requests.jsonl'), '--metadata', 'job=e2e'], {env}),
      runCli(['batches', 'results', 'batch_x', '-O', join(dir, 'out.jsonl')], {env}),
      // Prism's batch is "validating" forever: wait gives up at --timeout with exit 6.
      runCli(['batches', 'wait', 'batch_x', '--interval', '50ms', '--timeout', '2s'], {env}),
    ])
    expect(create.exitCode, create.stderr).toBe(0)
    expect(create.stdout).toBe('string\n')
    expect(results.exitCode, results.stderr).toBe(0)
    expect(wait.exitCode).toBe(6)
    expect(wait.stderr).toMatch(
      /^Error: Timed out after 2s waiting for batch_x \(.+\); it keeps running on Groq\. Resume with: groq batches wait batch_x\n$/m,
    )
    const posts = proxy.requests.filter((request) => request.method === 'POST').map((request) => request.path)
    expect(posts.sort()).toEqual(['/openai/v1/batches', '/openai/v1/files'])
    expect(proxy.requests.every((request) => request.response?.status === 200)).toBe(true)
  })

  it('batches run builds, uploads and creates; bad JSONL exits 2 with nothing sent', async ({
    expect,
    onTestFinished,
  }) => {
    const proxy = await prismProxy(onTestFinished)
    const env = {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url}
    const dir = mkdtempSync(join(tmpdir(), 'groq-e2e-run-'))
    writeFileSync(join(dir, 'prompts.txt'), 'one\ntwo\n')
    writeFileSync(join(dir, 'bad.jsonl'), '{"custom_id":"a"}\n')
    const [runResult, bad] = await Promise.all([
      runCli(['batches', 'run', join(dir, 'prompts.txt'), '-m', 'llama-3.1-8b-instant'], {env}),
      runCli(['files', 'upload', join(dir, 'bad.jsonl')], {env}),
    ])
    expect(runResult.exitCode, runResult.stderr).toBe(0)
    expect(runResult.stderr).toBe('Created batch string (requests 1-2)\n')
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toContain('bad.jsonl:1: method: must be "POST"')
    expect(proxy.requests.map((request) => `${request.method} ${request.path}`).sort()).toEqual([
      'POST /openai/v1/batches',
      'POST /openai/v1/files',
    ])
  })
})

describe('batches wait: Ctrl-C (the real binary)', () => {
  it('exits 130 at once, saying the batch keeps running and how to resume; stdout stays empty', async ({
    expect,
    onTestFinished,
  }) => {
    // A batch that stays in_progress; each poll is recorded.
    const server = await startServer({
      reply: {
        body: {
          endpoint: '/v1/chat/completions',
          id: 'batch_x',
          object: 'batch',
          request_counts: {completed: 3, failed: 0, total: 10},
          status: 'in_progress',
        },
        status: 200,
      },
    })
    onTestFinished(() => server.close())
    const home = makeHome()
    onTestFinished(() => rmSync(home, {force: true, recursive: true}))
    const child = spawn(process.execPath, [BIN, 'batches', 'wait', 'batch_x', '--interval', '1m'], {
      cwd: home,
      env: {...cleanEnv(home), GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (data) => (stdout += data))
    child.stderr.on('data', (data) => {
      stderr += data
      // The first poll has been answered (its status line is out): press Ctrl-C during the pause.
      if (stderr.includes('in_progress') && !child.killed) child.kill('SIGINT')
    })
    const exitCode = await new Promise<null | number>((resolve) => child.on('close', (code) => resolve(code)))

    expect(stderr).toBe(
      'batch_x in_progress 3/0/10\n' +
        '\nStopped waiting; the batch keeps running on Groq: batch_x\n' +
        'Resume with: groq batches wait batch_x\n',
    )
    expect(exitCode).toBe(130)
    expect(stdout).toBe('')
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /openai/v1/batches/batch_x',
    ])
  })
})
