/**
 * The fault suite's spawned part (issue 9): what only a real process shows. The exit time after a retry against
 * a server that keeps idle connections for 30 s (item 1), and parallel writers of one config file (item 5).
 * The rest of the suite runs in-process: test/unit/faults.test.ts.
 */
import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest'

import {assertFreshBuild, lines, makeHome, runCli} from '../helpers/cli.js'
import {fault, type FaultHandler, startFaultServer} from '../helpers/fault-server.js'
import {KEY, MODELS} from '../helpers/fixtures.js'

beforeAll(() => assertFreshBuild())

const LIST = 'GET /openai/v1/models'
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
