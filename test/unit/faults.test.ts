/**
 * The fault suite (issue 9), in-process: a fake Groq that misbehaves (test/helpers/fault-server.ts) and the real
 * commands against it. Each numbered item of the issue: exit code, the one stderr line, stdout, and what is on
 * disk. What needs a real process (the exit time after a retry, parallel writers) is in test/e2e/faults.e2e.test.ts.
 */
import {chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest'

import AuthStatus from '../../src/commands/auth/status.js'
import BatchesWait from '../../src/commands/batches/wait.js'
import Chat from '../../src/commands/chat.js'
import ConfigSet from '../../src/commands/config/set.js'
import ModelsGet from '../../src/commands/models/get.js'
import ModelsList from '../../src/commands/models/list.js'
import {ConversationStore} from '../../src/lib/chat/conversations.js'
import {resolveSettings} from '../../src/lib/core/config.js'
import {createClient} from '../../src/lib/http/client.js'
import {fault, type FaultHandler, startFaultServer} from '../helpers/fault-server.js'
import {KEY, MODELS} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

// Real sockets between the CLI and the fault server: nock's interceptor (test/setup.ts) would stand in between.
beforeAll(() => nock.restore())
afterAll(() => nock.activate())

const LIST = 'GET /openai/v1/models'
const CHAT = 'POST /openai/v1/chat/completions'

async function groq(routes: Record<string, FaultHandler | FaultHandler[]>) {
  const server = await startFaultServer({routes})
  onTestFinished(() => server.close())
  const home = tempHome()
  const env = {...home.env, GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url}
  return {env, home, server}
}

function writeConfig(configHome: string, profiles: Record<string, unknown>, mode = 0o600): string {
  const path = join(configHome, 'groq', 'config.json')
  mkdirSync(join(configHome, 'groq'), {recursive: true})
  writeFileSync(path, JSON.stringify({profiles}))
  chmodSync(path, mode)
  return path
}

describe('2. a 2xx whose body is not what it should be: one line, exit 1', () => {
  it('an HTML page (a captive portal) names status, content type, the first characters and the request id', async () => {
    const {env} = await groq({[LIST]: fault.html(200, '<html>\n<head><title>Hotel WiFi login</title></head></html>')})
    expect(await run(ModelsList, [], {env})).toEqual({
      exitCode: 1,
      stderr:
        'Error: 200 OK from GET /openai/v1/models, but the body is not JSON (text/html; charset=utf-8, 58 bytes: ' +
        '"<html> <head><title>Hotel WiFi login</title></head></html>") [request id req_fault]\n',
      stdout: '',
    })
  })

  it('--json does not print a JSON string for a text body', async () => {
    const {env} = await groq({[LIST]: fault.reply(200, 'hello', {'content-type': 'text/plain'})})
    const result = await run(ModelsList, ['--json'], {env})
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /^Error: 200 OK from GET \/openai\/v1\/models, but the body is not JSON \(text\/plain/,
    )
  })

  it('truncated JSON: not a bare JSON.parse message', async () => {
    const {env} = await groq({
      [LIST]: fault.reply(200, '{"object":"list","data":[{"id"', {'content-type': 'application/json'}),
    })
    expect(await run(ModelsList, [], {env})).toEqual({
      exitCode: 1,
      stderr:
        'Error: 200 OK from GET /openai/v1/models, but the body is not valid JSON (application/json, 30 bytes: ' +
        '"{"object":"list","data":[{"id"") [request id req_fault]\n',
      stdout: '',
    })
  })

  it('a JSON value that is not an object, and an empty body', async () => {
    const {env} = await groq({
      'GET /openai/v1/models/a': fault.reply(200, '"just a string"', {'content-type': 'application/json'}),
      'GET /openai/v1/models/b': fault.reply(200, '', {'content-type': 'application/json'}),
    })
    const string = await run(ModelsGet, ['a'], {env})
    expect(string.exitCode).toBe(1)
    expect(string.stderr).toContain('but the body is not a JSON object (application/json, 15 bytes: ""just a string"")')
    const empty = await run(ModelsGet, ['b'], {env})
    expect(empty.exitCode).toBe(1)
    expect(empty.stderr).toBe(
      'Error: 200 OK from GET /openai/v1/models/b, but the body is empty (application/json, empty body) [request id req_fault]\n',
    )
  })

  it('an HTML 502 says what came back, not "no error body"', async () => {
    const {env} = await groq({[LIST]: fault.html(502)})
    const result = await run(ModelsList, ['--max-retries', '0'], {env})
    expect(result).toEqual({
      exitCode: 1,
      stderr:
        'Error: 502 Bad Gateway: the body is not JSON (text/html; charset=utf-8, 74 bytes: ' +
        '"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>") [request id req_fault]\n',
      stdout: '',
    })
  })

  it('chat --no-stream with an HTML 200: exit 1, nothing printed', async () => {
    const {env} = await groq({[CHAT]: fault.html(200, '<html>maintenance</html>')})
    const result = await run(Chat, ['--no-stream', '-m', 'm', 'hi'], {env})
    expect(result).toEqual({
      exitCode: 1,
      stderr:
        'Error: 200 OK from POST /openai/v1/chat/completions, but the body is not JSON (text/html; charset=utf-8, 24 bytes: ' +
        '"<html>maintenance</html>") [request id req_fault]\n',
      stdout: '',
    })
  })
})

describe('3. retries: one stderr line each, -q hides them, a long Retry-After is not waited', () => {
  it('429 then 200: the retry is said, the answer printed', async () => {
    const {env, server} = await groq({[LIST]: [fault.rateLimited({retryAfterMs: '20'}), fault.json(200, MODELS)]})
    const result = await run(ModelsList, [], {env})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('429 rate limited; retrying in 20 ms (attempt 2 of 3)\n')
    expect(result.stdout.split('\n')).toHaveLength(4)
    expect(server.requests.map((request) => request.headers['x-stainless-retry-count'])).toEqual(['0', '1'])
  })

  it('-q: the same run, silent', async () => {
    const {env} = await groq({[LIST]: [fault.rateLimited({retryAfterMs: '20'}), fault.json(200, MODELS)]})
    const result = await run(ModelsList, ['-q'], {env})
    expect(result).toMatchObject({exitCode: 0, stderr: ''})
  })

  it('5xx every time: each retry said, then the error; exit 1', async () => {
    const {env, server} = await groq({[LIST]: fault.serverError(503, {error: {message: 'overloaded'}})})
    const result = await run(ModelsList, ['--max-retries', '2'], {env})
    expect(server.requests).toHaveLength(3)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(
      /^503 service unavailable; retrying in 0\.[3-5] s \(attempt 2 of 3\)\n503 service unavailable; retrying in (0\.[6-9]|1\.0) s \(attempt 3 of 3\)\nError: 503 Service Unavailable: overloaded \[request id req_fault\]\n$/,
    )
  })

  it('Retry-After: 3600 is not waited (max_retry_wait 60 s): exit 5 at once, saying when to retry', async () => {
    const {env, server} = await groq({[LIST]: fault.rateLimited({retryAfter: '3600'})})
    const started = Date.now()
    const result = await run(ModelsList, [], {env})
    expect(Date.now() - started).toBeLessThan(5000)
    expect(server.requests).toHaveLength(1)
    expect(result.exitCode).toBe(5)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /^Error: 429 Too Many Requests: Rate limit reached for requests \(requests, rate_limit_exceeded\) \[request id req_fault\]; retry after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 1 h, more than max_retry_wait 1 min, so not waited\)\n$/,
    )
  })

  it('max_retry_wait from the config file lowers the cap', async () => {
    const {env, home, server} = await groq({[LIST]: fault.rateLimited({retryAfter: '2'})})
    writeConfig(home.configHome, {default: {max_retry_wait: '1s'}})
    const result = await run(ModelsList, [], {env})
    expect(server.requests).toHaveLength(1)
    expect(result.exitCode).toBe(5)
    expect(result.stderr).toMatch(/; retry after .+ \(in 2\.0 s, more than max_retry_wait 1\.0 s, so not waited\)\n$/)
  })

  it('x-should-retry: false is obeyed; a 400 is never retried', async () => {
    const {env, server} = await groq({
      [LIST]: fault.json(503, {error: {message: 'no'}}, {'x-should-retry': 'false'}),
      'GET /openai/v1/models/x': fault.json(400, {error: {message: 'bad', type: 'invalid_request_error'}}),
    })
    expect((await run(ModelsList, [], {env})).stderr).toBe(
      'Error: 503 Service Unavailable: no [request id req_fault]\n',
    )
    expect((await run(ModelsGet, ['x'], {env})).exitCode).toBe(1)
    expect(server.requests).toHaveLength(2)
  })

  it("a request's own maxRetries (groq-sdk option) reaches our retry layer; the SDK never retries on top", async () => {
    const {server} = await groq({'GET /openai/v1/models/m': fault.serverError(503)})
    const lines: string[] = []
    const settings = resolveSettings({}, {...tempHome().env, GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url})
    const client = await createClient(settings, {env: {}, onRetry: (line) => lines.push(line), userAgent: 'test'})
    await expect(client.models.retrieve('m', {maxRetries: 0})).rejects.toMatchObject({status: 503})
    expect(server.requests).toHaveLength(1)
    await expect(client.models.retrieve('m', {maxRetries: 1})).rejects.toMatchObject({status: 503})
    expect(server.requests).toHaveLength(3)
    expect(lines).toHaveLength(1)
    expect(server.requests.map((request) => request.headers['x-stainless-retry-count'])).toEqual(['0', '0', '1'])
  })

  it('a dropped connection is retried and said', async () => {
    const {env, server} = await groq({[LIST]: [fault.drop(), fault.json(200, MODELS)]})
    const result = await run(ModelsList, [], {env})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toMatch(/^connection reset \(ECONNRESET\); retrying in 0\.[3-5] s \(attempt 2 of 3\)\n$/)
    expect(server.requests).toHaveLength(2)
  })

  it('no answer within --timeout: retried, then exit 6', async () => {
    const {env, server} = await groq({[LIST]: fault.stall()})
    const result = await run(ModelsList, ['--timeout', '100ms', '--max-retries', '1'], {env})
    expect(server.requests).toHaveLength(2)
    expect(result.exitCode).toBe(6)
    expect(result.stderr).toMatch(
      /^no answer in time; retrying in 0\.[3-5] s \(attempt 2 of 2\)\nError: Request to http:\/\/127\.0\.0\.1:\d+ timed out \(raise --timeout\?\)\n$/,
    )
  })

  it('a body that stalls after the headers: exit 6, not a hang; not retried', async () => {
    const {env, server} = await groq({[LIST]: fault.stallBody(200, {'content-type': 'application/json'}, '{"data":[')})
    const result = await run(ModelsList, ['--timeout', '200ms'], {env})
    expect(server.requests).toHaveLength(1)
    expect(result).toEqual({
      exitCode: 6,
      stderr: `Error: No data from ${env.GROQ_BASE_URL} for 200 ms while reading the answer (raise --timeout?)\n`,
      stdout: '',
    })
  })

  it('a body cut part way: exit 6, not retried (the answer had started)', async () => {
    const {env, server} = await groq({[LIST]: fault.cutBody(200, {'content-type': 'application/json'}, '{"data":[')})
    const result = await run(ModelsList, [], {env})
    expect(server.requests).toHaveLength(1)
    expect(result).toEqual({
      exitCode: 6,
      stderr: 'Error: The connection was cut while reading the answer (ECONNRESET)\n',
      stdout: '',
    })
  })
})

describe('4. every value from the config file and the environment is parsed as `config set` parses it', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['max_retries', {max_retries: -3}, 'max_retries: "-3" must be a whole number from 0 to 10'],
    ['max_retries', {max_retries: 99}, 'max_retries: "99" must be a whole number from 0 to 10'],
    ['output', {output: 'xml'}, 'output: "xml" must be one of json, table, plain, ndjson'],
    ['base_url', {base_url: 'nope'}, 'base_url: "nope" is not an http(s) URL (e.g. https://api.groq.com)'],
    ['timeout', {timeout: 'soon'}, 'timeout: "soon" is not a duration (use e.g. 500ms, 30s, 2m, 1h, or seconds)'],
    ['chat.save', {'chat.save': 'maybe'}, 'chat.save: "maybe" is not true or false'],
    ['timeout', {timeout: {seconds: 3}}, 'timeout is a object, not a value'],
  ]
  it.each(cases)('%s: %j is exit 2 naming file, profile and key, before any request', async (key, profile, message) => {
    const {env, home, server} = await groq({[LIST]: fault.json(200, MODELS)})
    const path = writeConfig(home.configHome, {default: profile})
    const result = await run(ModelsList, [], {env: {...env, GROQ_BASE_URL: undefined}})
    expect(result).toEqual({
      exitCode: 2,
      stderr: `Error: Config file ${path}, profile "default": ${message} (fix it with: groq config set ${key} VALUE)\n`,
      stdout: '',
    })
    expect(server.requests).toHaveLength(0)
  })

  it('the profile is named when it is not the default; a flag overriding a bad value makes it no error', async () => {
    const {env, home} = await groq({[LIST]: fault.json(200, MODELS)})
    const path = writeConfig(home.configHome, {ci: {output: 'xml'}})
    const bad = await run(ModelsList, ['--profile', 'ci'], {env})
    expect(bad.stderr).toBe(
      `Error: Config file ${path}, profile "ci": output: "xml" must be one of json, table, plain, ndjson (fix it with: groq config set output VALUE --profile ci)\n`,
    )
    const overridden = await run(ModelsList, ['--profile', 'ci', '-o', 'plain'], {env})
    expect(overridden.exitCode).toBe(0)
  })

  it('`config set` still fixes a bad value (it does not need the others to be good)', async () => {
    const home = tempHome()
    const path = writeConfig(home.configHome, {default: {output: 'xml', timeout: 'soon'}})
    expect((await run(ConfigSet, ['output', 'json'], {env: home.env})).exitCode).toBe(0)
    expect(JSON.parse(readFileSync(path, 'utf8')).profiles.default).toEqual({output: 'json', timeout: 'soon'})
  })

  it('GROQ_BASE_URL and --base-url are parsed too: exit 2 naming the source, no request', async () => {
    const home = tempHome()
    const env = {...home.env, GROQ_API_KEY: KEY}
    expect(await run(ModelsList, [], {env: {...env, GROQ_BASE_URL: 'nope'}})).toEqual({
      exitCode: 2,
      stderr: 'Error: GROQ_BASE_URL: "nope" is not an http(s) URL (e.g. https://api.groq.com)\n',
      stdout: '',
    })
    for (const value of ['not-a-url', 'ftp://x', 'http://']) {
      const result = await run(ModelsList, ['--base-url', value], {env})
      expect(result).toEqual({
        exitCode: 2,
        stderr: `Error: --base-url: "${value}" is not an http(s) URL (e.g. https://api.groq.com)\n`,
        stdout: '',
      })
    }
  })

  it('--timeout is capped at what a Node timer holds (2^31-1 ms)', async () => {
    const result = await run(ModelsList, ['--timeout', '99999999h'], {env: {...tempHome().env, GROQ_API_KEY: KEY}})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: --timeout: "99999999h" is too long (at most 596h)\n',
      stdout: '',
    })
  })

  it('an unreadable config file does not block a run whose key comes from the environment', async () => {
    const {env, home} = await groq({[LIST]: fault.json(200, MODELS)})
    const path = writeConfig(home.configHome, {default: {output: 'json'}}, 0o000)
    const result = await run(ModelsList, ['-o', 'plain'], {env})
    if (process.getuid?.() === 0) return // root reads anything
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe(
      `Warning: ignoring the config file: Cannot read config file ${path}: EACCES: permission denied, open '${path}'\n`,
    )
  })
})

describe('6. bounded input', () => {
  it('stdin over the limit (10 MB by default) is refused before any request (exit 2)', async () => {
    const {env, server} = await groq({[CHAT]: fault.json(200, {})})
    const result = await run(Chat, ['-m', 'm', 'summarise'], {env, stdin: 'x'.repeat(10 * 1024 * 1024 + 1)})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: stdin: the input is more than 10 MB, the limit (raise it with: groq config set max_stdin 50MB)\n',
      stdout: '',
    })
    expect(server.requests).toHaveLength(0)
  })

  it('binary or invalid UTF-8 on stdin is refused, not turned into U+FFFD', async () => {
    const {env, server} = await groq({[CHAT]: fault.json(200, {})})
    const invalid = await run(Chat, ['-m', 'm', 'what is this'], {env, stdin: Buffer.from([0x61, 0xff, 0x62]) as never})
    expect(invalid).toEqual({
      exitCode: 2,
      stderr: 'Error: stdin is not UTF-8 text (an invalid byte at offset 1)\n',
      stdout: '',
    })
    expect(server.requests).toHaveLength(0)
  })
})

describe('8. secrets', () => {
  it('a password in the base URL is never echoed: not in errors, not in auth status', async () => {
    const home = tempHome()
    const env = {...home.env, GROQ_API_KEY: KEY}
    const bad = await run(ModelsList, ['--base-url', 'ftp://user:hunter2@x'], {env})
    expect(bad.stderr).toBe('Error: --base-url: "ftp://***@x" is not an http(s) URL (e.g. https://api.groq.com)\n')
    const unreachable = await run(ModelsList, ['--max-retries', '0', '--base-url', 'http://user:hunter2@127.0.0.1:9'], {
      env,
    })
    expect(unreachable).toMatchObject({
      exitCode: 6,
      stderr: 'Error: Cannot reach http://***@127.0.0.1:9 (ECONNREFUSED)\n',
    })
    const debug = await run(
      ModelsList,
      ['--debug', '--max-retries', '0', '--base-url', 'http://user:hunter2@127.0.0.1:9'],
      {env},
    )
    expect(debug.stderr).not.toContain('hunter2')
    expect(debug.stderr).toContain('http://***@127.0.0.1:9')
    const status = await run(
      AuthStatus,
      ['--json', '--max-retries', '0', '--base-url', 'http://user:hunter2@127.0.0.1:9'],
      {env},
    )
    expect(status.stdout + status.stderr).not.toContain('hunter2')
  })

  it('--api-key on the command line: one warning pointing to GROQ_API_KEY and auth login (hidden by -q)', async () => {
    const {env} = await groq({[LIST]: fault.json(200, MODELS)})
    const {GROQ_API_KEY: _, ...noKey} = env
    const result = await run(ModelsList, ['--api-key', KEY], {env: noKey})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe(
      'Warning: a key given with --api-key can be read by other users of this machine (ps); set GROQ_API_KEY or run `groq auth login` instead\n',
    )
    expect((await run(ModelsList, ['--api-key', KEY, '-q'], {env: noKey})).stderr).toBe('')
  })
})

describe('9. leftovers', () => {
  it("a temp file left by a killed writer is removed by the next write in its folder; a live writer's is kept", async () => {
    const home = tempHome()
    const dir = join(home.configHome, 'groq')
    mkdirSync(dir, {recursive: true})
    // pid 2^22+1 is above Linux's pid_max default: no such process.
    writeFileSync(join(dir, `.config.json.${2 ** 22 + 1}.0123456789ab.tmp`), '{"profiles":')
    writeFileSync(join(dir, `.config.json.${process.pid}.0123456789ab.tmp`), '{"profiles":')
    expect((await run(ConfigSet, ['output', 'json'], {env: home.env})).exitCode).toBe(0)
    expect(readdirSync(dir).sort()).toEqual([`.config.json.${process.pid}.0123456789ab.tmp`, 'config.json'])
  })
})

// ------------------------------------------------------------------------------------------------------------------
// Chat, files, batches and audio against the same fault server.

const delta = (content: string) => ({
  choices: [{delta: {content}, finish_reason: null, index: 0}],
  id: 'chatcmpl-fault',
  model: 'm',
  object: 'chat.completion.chunk',
})
const COMPLETION = {
  choices: [{finish_reason: 'stop', index: 0, message: {content: 'Hello.', role: 'assistant'}}],
  id: 'chatcmpl-fault',
  model: 'm',
  object: 'chat.completion',
}
const conversationsDir = (home: {dataHome: string}) => join(home.dataHome, 'groq', 'conversations')
const filesIn = (dir: string) => {
  try {
    return readdirSync(dir).sort()
  } catch {
    return []
  }
}

describe('2. chat: a 200 that is not an answer is one line, exit 1, nothing printed or saved', () => {
  it('streamed: an HTML page instead of an event stream (was: "connection cut", exit 6)', async () => {
    const {env, home} = await groq({[CHAT]: fault.html(200, '<html><body>Please log in</body></html>')})
    expect(await run(Chat, ['--save', '-m', 'm', 'hi'], {env})).toEqual({
      exitCode: 1,
      stderr:
        'Error: 200 OK from POST /openai/v1/chat/completions, but the body is not an event stream (text/html; charset=utf-8, 39 bytes: ' +
        '"<html><body>Please log in</body></html>") [request id req_fault]\n',
      stdout: '',
    })
    expect(filesIn(conversationsDir(home))).toEqual([])
  })

  it('streamed: a JSON error object sent with 200', async () => {
    const {env} = await groq({[CHAT]: fault.json(200, {error: {message: 'upstream down'}})})
    const result = await run(Chat, ['-m', 'm', 'hi'], {env})
    expect(result).toEqual({
      exitCode: 1,
      stderr:
        'Error: 200 OK from POST /openai/v1/chat/completions, but the body is not an event stream (application/json, 37 bytes: ' +
        '"{"error":{"message":"upstream down"}}") [request id req_fault]\n',
      stdout: '',
    })
  })

  it('--no-stream --save: a JSON object with no answer in it is not saved as `content: null`', async () => {
    const {env, home} = await groq({[CHAT]: fault.json(200, {object: 'chat.completion', choices: []})})
    expect(await run(Chat, ['--no-stream', '--save', '-m', 'm', 'hi'], {env})).toEqual({
      exitCode: 1,
      stderr:
        'Error: 200 OK from POST /openai/v1/chat/completions, but the answer has no choices[0].message (application/json, 41 bytes: ' +
        '"{"object":"chat.completion","choices":[]}") [request id req_fault]\n',
      stdout: '',
    })
    expect(filesIn(conversationsDir(home))).toEqual([])
  })

  it('--no-stream --json: a text body is not printed as a JSON string; truncated JSON is named as such', async () => {
    const {env} = await groq({
      [CHAT]: [
        fault.reply(200, 'hello', {'content-type': 'text/plain'}),
        fault.reply(200, '{"choices":[{"mess', {'content-type': 'application/json'}),
      ],
    })
    const text = await run(Chat, ['--no-stream', '--json', '-m', 'm', 'hi'], {env})
    expect(text).toMatchObject({exitCode: 1, stdout: ''})
    expect(text.stderr).toBe(
      'Error: 200 OK from POST /openai/v1/chat/completions, but the body is not JSON (text/plain, 5 bytes: "hello") [request id req_fault]\n',
    )
    const truncated = await run(Chat, ['--no-stream', '-m', 'm', 'hi'], {env})
    expect(truncated).toEqual({
      exitCode: 1,
      stderr:
        'Error: 200 OK from POST /openai/v1/chat/completions, but the body is not valid JSON (application/json, 18 bytes: ' +
        '"{"choices":[{"mess") [request id req_fault]\n',
      stdout: '',
    })
  })
})

describe('3. chat retries like every command: said, then answered', () => {
  it('429 then a stream: one retry line, the answer on stdout', async () => {
    const {env, server} = await groq({
      [CHAT]: [fault.rateLimited({retryAfterMs: '20'}), fault.sse([delta('Hel'), delta('lo.')])],
    })
    expect(await run(Chat, ['-m', 'm', 'hi'], {env})).toEqual({
      exitCode: 0,
      stderr: '429 rate limited; retrying in 20 ms (attempt 2 of 3)\n',
      stdout: 'Hello.\n',
    })
    expect(server.requests).toHaveLength(2)
  })
})

describe('6. chat FILE flags and stdin are bounded; binary is refused (exit 2, no request)', () => {
  it.each([
    [
      ['--schema', '/dev/zero', '--response-format', 'json_schema'],
      '--schema: cannot read /dev/zero (not a regular file)',
    ],
    [['--messages', '/dev/zero'], '--messages: cannot read /dev/zero (not a regular file)'],
    [['--image', '/dev/zero'], '--image: cannot read /dev/zero (not a regular file)'],
    [['--tool', '/'], '--tool: cannot read / (is a directory)'],
  ])('%j', async (flags, message) => {
    const {env, server} = await groq({[CHAT]: fault.json(200, COMPLETION)})
    expect(await run(Chat, [...flags, '-m', 'm', 'hi'], {env})).toEqual({
      exitCode: 2,
      stderr: `Error: ${message}\n`,
      stdout: '',
    })
    expect(server.requests).toHaveLength(0)
  })

  it('a file over the limit, and a binary or non-UTF-8 text file, name the flag and the file', async () => {
    const {env, home, server} = await groq({[CHAT]: fault.json(200, COMPLETION)})
    const big = join(home.root, 'big.json')
    writeFileSync(big, Buffer.alloc(20 * 1000 * 1000 + 1, 32))
    const binary = join(home.root, 'messages.json')
    writeFileSync(binary, Buffer.from([0x5b, 0x00, 0x5d]))
    const latin1 = join(home.root, 'notes.txt')
    writeFileSync(latin1, Buffer.from('caf\xe9', 'latin1'))
    expect(
      (await run(Chat, ['--schema', big, '--response-format', 'json_schema', '-m', 'm', 'hi'], {env})).stderr,
    ).toBe(`Error: --schema: ${big} is 20 MB, more than 20 MB, the limit\n`)
    expect((await run(Chat, ['--messages', binary, '-m', 'm'], {env})).stderr).toBe(
      `Error: --messages: ${binary} looks binary (a NUL byte at offset 1); give text\n`,
    )
    expect((await run(Chat, ['--document', latin1, '-m', 'm', 'hi'], {env})).stderr).toBe(
      `Error: --document: ${latin1} is not UTF-8 text (an invalid byte at offset 3)\n`,
    )
    expect(server.requests).toHaveLength(0)
  })

  it('config max_stdin sets the stdin cap', async () => {
    const {env, home, server} = await groq({[CHAT]: fault.json(200, COMPLETION)})
    writeConfig(home.configHome, {default: {max_stdin: '1kB'}})
    expect(await run(Chat, ['-m', 'm', 'summarise'], {env, stdin: 'x'.repeat(1001)})).toEqual({
      exitCode: 2,
      stderr:
        'Error: stdin: the input is more than 1.0 kB, the limit (raise it with: groq config set max_stdin 50MB)\n',
      stdout: '',
    })
    expect(server.requests).toHaveLength(0)
  })
})

describe('7. bad values that used to get through: exit 2, no request', () => {
  it.each([
    [['--temperature', '0x1', 'hi'], '--temperature: "0x1" is not a number (must be from 0 to 2)'],
    [['--seed', '0x10', 'hi'], '--seed: "0x10" is not a whole number'],
    [
      ['--seed', '1e30', 'hi'],
      '--seed: 1e30 is out of range (whole numbers are sent exactly only up to ±9007199254740991)',
    ],
    [
      ['--max-tokens', '99999999999999999999', 'hi'],
      '--max-tokens: 99999999999999999999 is out of range (whole numbers are sent exactly only up to ±9007199254740991)',
    ],
    [['--logit-bias', '{"x":1}', 'hi'], '--logit-bias: "x" is not a token id (a whole number)'],
    [['--logit-bias', '{"1":500}', 'hi'], '--logit-bias: the bias for token 1 must be from -100 to 100 (got 500)'],
    [[''], 'PROMPT: is empty: give a question, or leave it out to read stdin'],
    [['   '], 'PROMPT: is blank: give a question, or leave it out to read stdin'],
    [['--base-url', 'not-a-url', 'hi'], '--base-url: "not-a-url" is not an http(s) URL (e.g. https://api.groq.com)'],
    [['--base-url', 'ftp://x', 'hi'], '--base-url: "ftp://x" is not an http(s) URL (e.g. https://api.groq.com)'],
    [
      ['--param', 'messages=5', 'hi'],
      '--param: the messages are built from the prompt, stdin, -s, --message and --messages',
    ],
    [['--timeout', '99999999h', 'hi'], '--timeout: "99999999h" is too long (at most 596h)'],
  ])('chat %j', async (argv, message) => {
    const {env, server} = await groq({[CHAT]: fault.json(200, COMPLETION)})
    expect(await run(Chat, ['-m', 'm', ...argv], {env})).toEqual({
      exitCode: 2,
      stderr: `Error: ${message}\n`,
      stdout: '',
    })
    expect(server.requests).toHaveLength(0)
  })
})

describe('5. parallel turns on one conversation: every turn lands (the lock)', () => {
  it('10 turns added at once to one saved conversation are all in the file, each user message before its answer', async () => {
    const home = tempHome()
    const store = ConversationStore.fromEnv(home.env)
    const conversation = await store.create({model: 'm'})
    await store.save(conversation)
    await Promise.all(
      Array.from({length: 10}, (_, index) =>
        store.addTurn(conversation, {
          messages: [
            {content: `question ${index}`, role: 'user'},
            {content: `answer ${index}`, role: 'assistant'},
          ],
          usage: {completion_tokens: 1, prompt_tokens: 2, total_tokens: 3},
        }),
      ),
    )
    const saved = await store.load(conversation.id)
    expect(saved.messages).toHaveLength(20)
    for (let index = 0; index < 10; index++) {
      const at = saved.messages.findIndex((message) => message.content === `question ${index}`)
      expect(saved.messages[at + 1]).toEqual({content: `answer ${index}`, role: 'assistant'})
    }
    expect(saved.usage).toEqual({completion_tokens: 10, prompt_tokens: 20, total_tokens: 30})
    expect(filesIn(store.dir)).toEqual([`${conversation.id}.json`])
  })
})

describe('9. leftovers: a conversation save cleans what a killed save left', () => {
  it('`chat --save` removes temp files of dead writers in the conversations folder', async () => {
    const {env, home} = await groq({[CHAT]: fault.sse([delta('Hello.')])})
    const dir = conversationsDir(home)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, `.mbx3k2a1-9fq2.json.${2 ** 22 + 1}.0123456789ab.tmp`), '{"version":1,')
    const result = await run(Chat, ['--save', '-m', 'm', 'hi'], {env})
    expect(result).toMatchObject({exitCode: 0, stdout: 'Hello.\n'})
    const left = filesIn(dir)
    expect(left).toHaveLength(1)
    expect(left[0]).toMatch(/^[0-9a-z]{8}-[0-9a-z]{4}\.json$/)
  })
})

describe('rate limits (issue 11): kept, shown with --debug, and a 429 says when to retry', () => {
  const LIMITS = {
    'x-ratelimit-limit-requests': '14400',
    'x-ratelimit-limit-tokens': '6000',
    'x-ratelimit-remaining-requests': '14399',
    'x-ratelimit-remaining-tokens': '0',
    'x-ratelimit-reset-requests': '6s',
    'x-ratelimit-reset-tokens': '7.66s',
  }

  it("--debug prints each answer's limits, the retried 429 too", async () => {
    const {env} = await groq({
      [LIST]: [
        fault.json(429, {error: {message: 'Rate limit reached for tokens'}}, {...LIMITS, 'retry-after-ms': '10'}),
        fault.json(200, MODELS, {...LIMITS, 'x-ratelimit-remaining-tokens': '5990'}),
      ],
    })
    const result = await run(ModelsList, ['--debug'], {env})
    expect(result.exitCode).toBe(0)
    const limitLines = result.stderr.split('\n').filter((line) => line.startsWith('[debug] rate limits'))
    expect(limitLines).toEqual([
      '[debug] rate limits (GET /openai/v1/models, 429): requests 14399/14400 (resets in 6s), tokens 0/6000 (resets in 7.66s)',
      '[debug] rate limits (GET /openai/v1/models, 200): requests 14399/14400 (resets in 6s), tokens 5990/6000 (resets in 7.66s)',
    ])
    expect(result.stderr).toContain('429 rate limited; retrying in 10 ms (attempt 2 of 3)\n')
  })

  it("a 429 without Retry-After: when the exhausted limit resets, in the retry line's words; exit 5", async () => {
    const {env, server} = await groq({
      [LIST]: fault.json(429, {error: {message: 'Rate limit reached for tokens', type: 'tokens'}}, LIMITS),
    })
    const started = Date.now()
    const result = await run(ModelsList, ['--max-retries', '0'], {env})
    expect(server.requests).toHaveLength(1)
    expect(result.exitCode).toBe(5)
    expect(result.stdout).toBe('')
    const match =
      /^Error: 429 Too Many Requests: Rate limit reached for tokens \(tokens\) \[request id req_fault\]; retry after (\S+) \(in 7\.7 s\)\n$/.exec(
        result.stderr,
      )
    expect(match).not.toBeNull()
    const at = Date.parse(match![1])
    expect(at).toBeGreaterThanOrEqual(started + 7000)
    expect(at).toBeLessThanOrEqual(Date.now() + 9000)
  })
})

// Uploads and downloads cut mid-way, 429s while polling with retries: test/unit/faults-files.test.ts; the audio
// commands' faults: test/unit/audio-faults.test.ts. Here, the poll loop itself with --max-retries 0.
describe('batches on the fault server', () => {
  it('batches wait: 429s while polling are waited out (Retry-After), then the batch is printed; exit 0', async () => {
    const batch = {
      id: 'batch_1',
      object: 'batch',
      status: 'in_progress',
      input_file_id: 'file_1',
      endpoint: '/v1/chat/completions',
    }
    const {env, server} = await groq({
      'GET /openai/v1/batches/batch_1': [
        fault.json(200, batch),
        fault.rateLimited({retryAfterMs: '10'}),
        fault.rateLimited({retryAfterMs: '10'}),
        fault.json(200, {...batch, status: 'completed', output_file_id: 'file_2'}),
      ],
    })
    const result = await run(BatchesWait, ['batch_1', '--interval', '1ms', '--max-retries', '0', '-o', 'plain'], {env})
    expect(result).toEqual({
      exitCode: 0,
      stderr:
        'batch_1 in_progress\n' +
        'batch_1 429 rate limited; polling again in 10 ms\n' + // said once: a status line per change
        'batch_1 completed\n',
      stdout:
        'id\tbatch_1\nstatus\tcompleted\nendpoint\t/v1/chat/completions\ninput file\tfile_1\noutput file\tfile_2\n',
    })
    expect(server.requests).toHaveLength(4)
  })
})
