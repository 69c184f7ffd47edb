/**
 * The fault suite's spawned part (issue 9): what only a real process shows. The exit time after a retry against
 * a server that keeps idle connections for 30 s (item 1), parallel writers of one config file and of one
 * conversation (item 5), and signals and a closed stdout in the middle of an answer or a download (item 9).
 * The rest of the suite runs in-process: test/unit/faults.test.ts (and faults-disk.test.ts, a full disk).
 */
import {spawn} from 'node:child_process'
import {readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest'

import {assertFreshBuild, BIN, cleanEnv, lines, makeHome, runCli} from '../helpers/cli.js'
import {fault, type FaultHandler, startFaultServer} from '../helpers/fault-server.js'
import {KEY, MODELS} from '../helpers/fixtures.js'

beforeAll(() => assertFreshBuild())

const LIST = 'GET /openai/v1/models'
const CHAT = 'POST /openai/v1/chat/completions'
const ROWS = 'gemma2-9b-it\tGoogle\t8192\ttrue\t1693721698\n'

async function server(handlers: FaultHandler[]) {
  const started = await startFaultServer({keepAliveMs: 30_000, routes: {[LIST]: handlers}})
  onTestFinished(() => started.close())
  return started
}

describe('1. a run that retried exits as soon as it has printed (the server keeps idle connections 30 s)', () => {
  it.each([
    ['429 then 200', [fault.rateLimited({retryAfterMs: '50'}), fault.json(200, MODELS)], 0, '429 rate limited'],
    ['500 then 200', [fault.serverError(500), fault.json(200, MODELS)], 0, '500 internal server error'],
    ['502 every time', [fault.serverError(502, {error: {message: 'bad gateway'}})], 1, '502 bad gateway'],
  ] as const)('%s', async (_name, handlers, exitCode, retried) => {
    const fake = await server([...handlers])
    const result = await runCli(['models', 'list', '--max-retries', '1'], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: fake.url},
      timed: true,
      timeoutMs: 20_000,
    })
    expect(result.exitCode).toBe(exitCode)
    expect(fake.requests).toHaveLength(2)
    const stderr = lines(result.stderr)
    expect(stderr[0]).toMatch(new RegExp(`^${retried}; retrying in \\S+ \\S+ \\(attempt 2 of 2\\)$`))
    if (exitCode === 0) {
      expect(stderr).toHaveLength(1)
      expect(result.stdout.startsWith(ROWS)).toBe(true)
    } else {
      expect(stderr).toEqual([stderr[0], 'Error: 502 Bad Gateway: bad gateway [request id req_fault]'])
      expect(result.stdout).toBe('')
    }
    // Within 1 s of the last thing printed, not when the server drops the idle connection (30 s).
    expect(result.timing!.exitMs - result.timing!.lastOutputMs!).toBeLessThan(1000)
  })
})

describe('1. chat too: a streamed answer after a 429 exits as soon as it is printed', () => {
  it('429 then a stream', async () => {
    const started = await startFaultServer({
      keepAliveMs: 30_000,
      routes: {[CHAT]: [fault.rateLimited({retryAfterMs: '50'}), fault.sse([delta('Hello'), delta(' there.')])]},
    })
    onTestFinished(() => started.close())
    const result = await runCli(['chat', '-m', 'm', 'hi'], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: started.url},
      timed: true,
      timeoutMs: 20_000,
    })
    expect(result).toMatchObject({
      exitCode: 0,
      stderr: '429 rate limited; retrying in 50 ms (attempt 2 of 3)\n',
      stdout: 'Hello there.\n',
    })
    expect(result.timing!.exitMs - result.timing!.lastOutputMs!).toBeLessThan(1000)
  })
})

describe('5. parallel writers of the config file lose nothing (the lock)', () => {
  let home: string
  beforeAll(() => {
    home = makeHome()
  })
  afterAll(() => rmSync(home, {force: true, recursive: true}))

  it('20 parallel `config set` (20 profiles) and an `auth login` racing them: every write is in the file', async () => {
    const fake = await server([fault.json(200, MODELS)])
    const sets = Array.from({length: 20}, (_, index) =>
      runCli(['config', 'set', 'model.chat', `model-${index}`, '--profile', `p${index}`], {home, timeoutMs: 45_000}),
    )
    const login = runCli(['auth', 'login', '--with-token', '--profile', 'p7'], {
      env: {GROQ_BASE_URL: fake.url},
      home,
      stdin: `${KEY}\n`,
      timeoutMs: 45_000,
    })
    const results = await Promise.all([...sets, login])
    expect(results.map((result) => result.exitCode)).toEqual(Array.from({length: 21}, () => 0))
    const {profiles} = JSON.parse(readFileSync(join(home, 'config', 'groq', 'config.json'), 'utf8'))
    expect(Object.keys(profiles).sort()).toEqual(Array.from({length: 20}, (_, index) => `p${index}`).sort())
    for (let index = 0; index < 20; index++) expect(profiles[`p${index}`]['model.chat']).toBe(`model-${index}`)
    expect(profiles.p7.api_key).toBe(KEY)
  }, 90_000)
})

const delta = (content: string) => ({
  choices: [{delta: {content}, finish_reason: null, index: 0}],
  id: 'chatcmpl-e2e',
  model: 'm',
  object: 'chat.completion.chunk',
})

/** A stream of `count` deltas (" 1", " 2", …), one every `everyMs`, then [DONE]; stops if the client goes. */
function slowStream(count: number, everyMs: number): FaultHandler {
  return (_req, res) => {
    res.writeHead(200, {'content-type': 'text/event-stream', 'x-request-id': 'req_fault'})
    res.write(`data: ${JSON.stringify(delta('Counting:'))}\n\n`)
    let sent = 0
    const timer = setInterval(() => {
      if (++sent > count) {
        clearInterval(timer)
        res.end('data: [DONE]\n\n')
      } else res.write(`data: ${JSON.stringify(delta(` ${sent}`))}\n\n`)
    }, everyMs)
    res.on('close', () => clearInterval(timer))
  }
}

/** Spawns the built CLI; `onStdout` sees stdout as it grows and may signal the child or close its stdout. */
function spawnCli(
  args: string[],
  home: string,
  env: Record<string, string>,
  onStdout: (stdout: string, child: ReturnType<typeof spawn>) => void,
): Promise<{exitCode: null | number; stderr: string; stdout: string}> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: home,
    env: {...cleanEnv(home), ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (data) => {
    stdout += data
    onStdout(stdout, child)
  })
  child.stderr!.on('data', (data) => (stderr += data))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolve) =>
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolve({exitCode, stderr, stdout})
    }),
  )
}

const conversationsOf = (home: string) => join(home, 'data', 'groq', 'conversations')
const entries = (dir: string) => {
  try {
    return readdirSync(dir).sort()
  } catch {
    return []
  }
}

describe('5. parallel turns on one conversation: all 10 land (the lock)', () => {
  it('10 parallel `groq chat -c ID` runs: the file holds 20 new messages, each answer after its question', async () => {
    let answers = 0
    const started = await startFaultServer({
      routes: {[CHAT]: (_req, res) => fault.sse([delta(`answer ${++answers}`)])(_req, res, Buffer.alloc(0))},
    })
    onTestFinished(() => started.close())
    const home = makeHome()
    onTestFinished(() => rmSync(home, {force: true, recursive: true}))
    const env = {GROQ_API_KEY: KEY, GROQ_BASE_URL: started.url}
    const first = await runCli(['chat', '--save', '--name', 'shared', '-m', 'm', 'first'], {env, home})
    expect(first).toMatchObject({exitCode: 0, stdout: 'answer 1\n'})
    const runs = await Promise.all(
      Array.from({length: 10}, (_, index) =>
        runCli(['chat', '--conversation', 'shared', `question ${index}`], {env, home, timeoutMs: 45_000}),
      ),
    )
    expect(runs.map((result) => result.exitCode)).toEqual(Array.from({length: 10}, () => 0))
    const [file] = entries(conversationsOf(home))
    const saved = JSON.parse(readFileSync(join(conversationsOf(home), file), 'utf8'))
    expect(saved.messages).toHaveLength(22)
    for (let index = 0; index < 10; index++) {
      const at = saved.messages.findIndex((message: {content: string}) => message.content === `question ${index}`)
      expect(at).toBeGreaterThan(1)
      expect(saved.messages[at + 1]).toMatchObject({content: runs[index].stdout.trim(), role: 'assistant'})
    }
    expect(entries(conversationsOf(home))).toEqual([file])
  }, 90_000)
})

describe('9. a closed stdout or SIGTERM in the middle of an answer', () => {
  it('chat --save | a reader that goes away: the answer is read to its end and saved; exit 0', async () => {
    const started = await startFaultServer({routes: {[CHAT]: slowStream(10, 30)}})
    onTestFinished(() => started.close())
    const home = makeHome()
    onTestFinished(() => rmSync(home, {force: true, recursive: true}))
    const result = await spawnCli(
      ['chat', '--save', '-m', 'm', 'count'],
      home,
      {GROQ_API_KEY: KEY, GROQ_BASE_URL: started.url},
      (_stdout, child) => child.stdout!.destroy(), // as `| head -c 5` does after its first read
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout.startsWith('Counting:')).toBe(true)
    expect(result.stderr).toMatch(/^Saved as [0-9a-z]{8}-[0-9a-z]{4}\n$/)
    const files = entries(conversationsOf(home))
    expect(files).toEqual([expect.stringMatching(/^[0-9a-z]{8}-[0-9a-z]{4}\.json$/)])
    const saved = JSON.parse(readFileSync(join(conversationsOf(home), files[0]), 'utf8'))
    expect(saved.messages).toEqual([
      {content: 'count', role: 'user'},
      {content: 'Counting: 1 2 3 4 5 6 7 8 9 10', role: 'assistant'},
    ])
  })

  it('SIGTERM mid-stream: as Ctrl-C — the answer so far on stdout with its line ended, nothing saved; exit 143', async () => {
    const started = await startFaultServer({routes: {[CHAT]: slowStream(1000, 30)}})
    onTestFinished(() => started.close())
    const home = makeHome()
    onTestFinished(() => rmSync(home, {force: true, recursive: true}))
    const result = await spawnCli(
      ['chat', '--save', '-m', 'm', 'count'],
      home,
      {GROQ_API_KEY: KEY, GROQ_BASE_URL: started.url},
      (stdout, child) => {
        if (/ 3\b/.test(stdout) && !child.killed) child.kill('SIGTERM')
      },
    )
    expect(result).toMatchObject({exitCode: 143, stderr: ''})
    expect(result.stdout).toMatch(/^Counting: 1 2 3( \d+)*\n$/)
    expect(entries(join(home, 'data', 'groq'))).toEqual([])
  })

  // Ctrl-C (SIGINT, 130) and SIGTERM (143) take the same clean-up path (issue 10: Ctrl-C leaves no partial target).
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s mid-download (-O): no file and no temp file left; exit %i', async (signal, code) => {
    const started = await startFaultServer({
      routes: {
        'GET /openai/v1/files/file_1/content': fault.stallBody(
          200,
          {'content-length': '100000', 'content-type': 'application/octet-stream'},
          Buffer.alloc(50_000, 120),
        ),
      },
    })
    onTestFinished(() => started.close())
    const home = makeHome()
    onTestFinished(() => rmSync(home, {force: true, recursive: true}))
    const child = spawn(process.execPath, [BIN, 'files', 'download', 'file_1', '-O', 'out.bin'], {
      cwd: home,
      env: {...cleanEnv(home), GROQ_API_KEY: KEY, GROQ_BASE_URL: started.url},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (data) => (stderr += data))
    // Once the temp file beside the target holds what arrived, the run is mid-download.
    const deadline = Date.now() + 15_000
    while (!entries(home).some((name) => name.includes('out.bin')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(entries(home).some((name) => name.includes('out.bin'))).toBe(true)
    child.kill(signal)
    const exitCode = await new Promise<null | number>((resolve) => child.on('close', (code) => resolve(code)))
    expect(exitCode).toBe(code)
    expect(stderr).toBe('')
    expect(entries(home).filter((name) => name.includes('out.bin'))).toEqual([])
  })
})
