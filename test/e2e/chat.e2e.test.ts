/**
 * `groq chat` as a user runs it (node bin/run.js): every flag's request body validated by Prism against Groq's
 * spec, Ctrl-C in the middle of a streamed answer, and a saved conversation continued across two runs.
 */
import {spawn} from 'node:child_process'
import {readdirSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {join} from 'node:path'
import {describe, expect, inject, it, type TestContext} from 'vitest'

import {FLAG_CASES, PROMPT} from '../fixtures/chat/flag-cases.js'
import {BIN, cleanEnv, makeHome, NODE, runCli, startServer} from '../helpers/cli.js'

const prismURL = inject('prismURL')
// Contract tests: skipped when Groq's spec is missing outside CI (test/helpers/spec.ts).
const withPrism = describe.skipIf(!prismURL)
const KEY = 'gsk_e2e_0123456789'

/** A recording proxy in front of Prism, closed after the test: shows what reached Prism and what it answered. */
async function prismProxy(onTestFinished: TestContext['onTestFinished']) {
  const proxy = await startServer({proxy: prismURL})
  onTestFinished(() => proxy.close())
  return proxy
}

withPrism.concurrent('groq chat: every flag case is a body Prism accepts (validated against the spec)', () => {
  for (const {argv, body, name} of FLAG_CASES) {
    it(name, async ({expect, onTestFinished}) => {
      const proxy = await prismProxy(onTestFinished)
      const result = await runCli(['chat', ...argv, '--no-stream', '--json', PROMPT], {
        env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url},
      })
      expect(proxy.requests).toHaveLength(1)
      const [request] = proxy.requests
      expect(request.path).toBe('/openai/v1/chat/completions')
      expect(JSON.parse(request.text)).toEqual({...body, stream: false})
      expect(request.response?.status, request.response?.body).toBe(200)
      expect(result.stderr).toBe('')
      expect(result.exitCode).toBe(0)
      expect(JSON.parse(result.stdout).object).toBe('chat.completion')
    })
  }

  it('an invalid body sent with --param is rejected by Prism (422, exit 1, its message on stderr)', async ({
    expect,
    onTestFinished,
  }) => {
    const proxy = await prismProxy(onTestFinished)
    const result = await runCli(['chat', '--param', 'temperature="hot"', '--no-stream', '--json', PROMPT], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url},
    })
    expect(JSON.parse(proxy.requests[0].text).temperature).toBe('hot')
    expect(proxy.requests[0].response?.status).toBe(422)
    expect(result.stdout).toBe('')
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^Error: 422 Unprocessable Entity: .*temperature.*\n$/)
    expect(result.stderr).toContain('Request body property temperature must be number')
  })
})

// ---------------------------------------------------------------------------------------------------------------

const chunk = (content: string) =>
  `data: ${JSON.stringify({
    choices: [{delta: {content}, finish_reason: null, index: 0, logprobs: null}],
    created: 1,
    id: 'chatcmpl-e2e',
    model: 'test-model',
    object: 'chat.completion.chunk',
  })}\n\n`

/** Streams "Counting: 1 2 3 …" (one number every 30 ms) until the client goes away. */
async function countingServer(onTestFinished: TestContext['onTestFinished']) {
  const requests: string[] = []
  let closedByClient = false
  const server: Server = createServer((request, response) => {
    let raw = ''
    request.on('data', (data) => (raw += data))
    request.on('end', () => {
      requests.push(raw)
      response.writeHead(200, {'content-type': 'text/event-stream'})
      response.write(chunk('Counting:'))
      let count = 0
      const timer = setInterval(() => response.write(chunk(` ${++count}`)), 30)
      response.on('close', () => {
        clearInterval(timer)
        closedByClient = true
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return {
    closedByClient: () => closedByClient,
    requests,
    url: `http://127.0.0.1:${(server.address() as {port: number}).port}`,
  }
}

describe('groq chat: Ctrl-C while an answer streams (the real binary)', () => {
  it('keeps the answer so far on stdout, ends its line, exits 130 and saves nothing', async ({onTestFinished}) => {
    const server = await countingServer(onTestFinished)
    const home = makeHome()
    onTestFinished(() => rmSync(home, {force: true, recursive: true}))
    const child = spawn(NODE, [BIN, 'chat', '--save', 'count'], {
      cwd: home,
      env: {...cleanEnv(home), GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (data) => {
      stdout += data
      // A few numbers in: press Ctrl-C (once).
      if (/ 3\b/.test(stdout) && !child.killed) child.kill('SIGINT')
    })
    child.stderr.on('data', (data) => (stderr += data))
    const exitCode = await new Promise<null | number>((resolve) => child.on('close', (code) => resolve(code)))

    expect(stderr).toBe('')
    expect(exitCode).toBe(130)
    expect(stdout).toMatch(/^Counting: 1 2 3( \d+)*\n$/)
    expect(server.requests).toHaveLength(1)
    await expect.poll(server.closedByClient).toBe(true)
    expect(() => readdirSync(join(home, 'data', 'groq', 'conversations'))).toThrow(/ENOENT/)
  })
})

describe('groq chat: a conversation saved by one run and continued by the next (-c)', () => {
  it('sends the saved history and appends the new turn', async ({onTestFinished}) => {
    let answers = 0
    const server = await startServer({
      reply: () => ({
        body: `${chunk(`Answer ${++answers}`)}data: [DONE]\n\n`,
        headers: {'content-type': 'text/event-stream'},
        status: 200,
      }),
    })
    onTestFinished(() => server.close())
    const home = makeHome()
    onTestFinished(() => rmSync(home, {force: true, recursive: true}))
    const env = {GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url}

    const first = await runCli(['chat', '--save', '--name', 'e2e', '-m', 'test-model', 'first'], {env, home})
    expect(first).toMatchObject({exitCode: 0, stderr: 'Saved as e2e\n', stdout: 'Answer 1\n'})
    const second = await runCli(['chat', '-c', 'second'], {env, home})
    expect(second).toMatchObject({exitCode: 0, stderr: '', stdout: 'Answer 2\n'})

    expect(JSON.parse(server.requests[1].text)).toEqual({
      messages: [
        {content: 'first', role: 'user'},
        {content: 'Answer 1', role: 'assistant'},
        {content: 'second', role: 'user'},
      ],
      model: 'test-model',
      stream: true,
    })
    const dir = join(home, 'data', 'groq', 'conversations')
    const [file] = readdirSync(dir)
    const saved = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    expect(saved).toMatchObject({model: 'test-model', name: 'e2e'})
    expect(saved.messages.map((message: {content: string}) => message.content)).toEqual([
      'first',
      'Answer 1',
      'second',
      'Answer 2',
    ])
  })
})
