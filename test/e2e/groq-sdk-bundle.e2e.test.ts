/**
 * The built CLI sends its requests through the groq-sdk that the build bundled (dist/vendor/groq-sdk.cjs, made by
 * scripts/bundle-groq-sdk.mjs, loaded by src/lib/http/client.ts), in which Headers, FormData, Response and
 * ReadableStream are src/lib/http/fetch-globals.ts instead of Node's (undici's) globals. These tests check that the bundle
 * is what runs, that Node's undici never loads for a request, and that what groq-sdk does with headers (--debug
 * logs, error request ids) still works across the transport's Headers.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it, type TestContext} from 'vitest'

import {builtByThisNode, ROOT, runCli, startServer, type Reply} from '../helpers/cli.js'

const KEY = 'gsk_e2e_bundle_0123456789'
const MODELS = {data: [{active: true, context_window: 8192, created: 1, id: 'm-1', object: 'model', owned_by: 'x'}]}
const COMPLETION = {
  choices: [{finish_reason: 'stop', index: 0, message: {content: 'Hello there', role: 'assistant'}}],
  created: 1,
  id: 'chatcmpl-1',
  model: 'm-1',
  object: 'chat.completion',
}
const chunk = (content: string) =>
  `data: ${JSON.stringify({choices: [{delta: {content}, index: 0}], created: 1, id: 'c', model: 'm-1', object: 'chat.completion.chunk'})}\n\n`

// At exit, on stderr: whether Node's undici was loaded. groq-sdk from node_modules (ES or CommonJS build) always loads
// it for a request (its \`new Headers()\`), so \`false\` also shows that the bundle ran. Also whether node:child_process
// and Node's promise-based fs were loaded: a command that spawns nothing and writes no file needs neither (the bundled
// oclif asks wsl-utils only on a possible WSL, and takes fs/promises on first use: scripts/bundle-oclif.mjs).
const PROBE = `process.on('exit', () => {
  const loaded = (name) => process.moduleLoadList.includes('NativeModule ' + name)
  const undici = process.moduleLoadList.some((name) => name.includes('undici'))
  const spawning = loaded('child_process')
  const fsPromises = loaded('internal/fs/promises')
  process.stderr.write('\\nprobe: ' + JSON.stringify({undici, spawning, fsPromises}) + '\\n')
})`

// Tests here run concurrently: cleanups go through each test's own context.
type Finished = TestContext['onTestFinished']

function probeFile(onTestFinished: Finished): string {
  const dir = mkdtempSync(join(tmpdir(), 'groq-probe-'))
  onTestFinished(() => rmSync(dir, {force: true, recursive: true}))
  const file = join(dir, 'probe.cjs')
  writeFileSync(file, PROBE)
  return file
}

async function answering(onTestFinished: Finished, reply: (path: string) => Reply) {
  const server = await startServer({reply: (request) => reply(request.path)})
  onTestFinished(() => server.close())
  return server
}

const probed = (stderr: string) =>
  JSON.parse(/\nprobe: (.*)\n$/.exec(stderr)![1]) as {fsPromises: boolean; spawning: boolean; undici: boolean}

describe.concurrent('requests go through the bundled groq-sdk, without undici', () => {
  it.for([
    [['models', 'list'], 'm-1\t'],
    [['chat', '--no-stream', '-m', 'm-1', 'hi'], 'Hello there\n'],
    [['chat', '-m', 'm-1', 'hi'], 'Hello there\n'],
  ] as [string[], string][])('groq %j', async ([argv, stdout], {expect, onTestFinished}) => {
    const server = await answering(onTestFinished, (path) =>
      path === '/openai/v1/models'
        ? {body: MODELS, status: 200}
        : argv.includes('--no-stream')
          ? {body: COMPLETION, status: 200}
          : {
              body: chunk('Hello') + chunk(' there') + 'data: [DONE]\n\n',
              headers: {'content-type': 'text/event-stream'},
              status: 200,
            },
    )
    const result = await runCli([...argv, '--no-input'], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url, NODE_OPTIONS: `--require=${probeFile(onTestFinished)}`},
    })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.startsWith(stdout)).toBe(true)
    expect(probed(result.stderr).undici).toBe(false)
    // Not on WSL (where oclif asks wsl-utils, which loads node:child_process), as on this machine and CI.
    if (argv[0] === 'models') expect(probed(result.stderr)).toEqual({fsPromises: false, spawning: false, undici: false})
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`)
  })
})

describe.concurrent('what groq-sdk does with headers', () => {
  it('--debug logs the request headers (the key redacted) and the response headers', async ({
    expect,
    onTestFinished,
  }) => {
    const server = await answering(onTestFinished, () => ({
      body: MODELS,
      headers: {'x-request-id': 'req_debug_1'},
      status: 200,
    }))
    const result = await runCli(['models', 'list', '--debug'], {env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url}})
    expect(result.exitCode, result.stderr).toBe(0)
    const sending = result.stderr.split('\n').find((line) => line.includes('] sending request '))!
    expect(sending).toContain('"authorization":"***"')
    expect(sending).toContain('"accept":"application/json"')
    expect(sending).not.toContain(KEY)
    const start = result.stderr.split('\n').find((line) => line.includes('] response start '))!
    expect(start).toContain('"content-type":"application/json"')
    expect(start).toContain('"x-request-id":"req_debug_1"')
  })

  it('an API error names the request id from the response headers', async ({expect, onTestFinished}) => {
    const server = await answering(onTestFinished, () => ({
      body: {error: {message: 'nope', type: 'invalid_request_error'}},
      headers: {'x-request-id': 'req_bundle_404'},
      status: 404,
    }))
    const result = await runCli(['models', 'get', 'missing'], {env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url}})
    expect(result).toMatchObject({
      exitCode: 4,
      stderr: 'Error: 404 Not Found: nope (invalid_request_error) [request id req_bundle_404]\n',
      stdout: '',
    })
  })
})

describe('the bundle', () => {
  it('exports groq-sdk with its error classes under their own names (describeError reads constructor.name)', async () => {
    const built = new URL('../../dist/lib/boot/bundle.js', import.meta.url).href
    const {loadBundle} = (await import(built)) as typeof import('../../src/lib/boot/bundle.js')
    const bundle = loadBundle<{sdk: Record<string, unknown>}>(join(ROOT, 'dist', 'vendor', 'groq-sdk.cjs'))!
    const {sdk} = bundle.exports
    expect(sdk.default).toBe(sdk.Groq)
    const errors = Object.keys(sdk).filter((name) => name.endsWith('Error'))
    expect(errors).toEqual(expect.arrayContaining(['APIConnectionTimeoutError', 'APIUserAbortError', 'NotFoundError']))
    for (const name of errors) expect((sdk[name] as {name: string}).name).toBe(name)
    if (builtByThisNode(join(ROOT, 'dist', 'vendor', 'groq-sdk.cjs'))) {
      expect(bundle.cache).toBe('build')
      expect(bundle.script.cachedDataRejected).toBe(false) // else each start compiles groq-sdk anew
    } else {
      expect(bundle.cache).toBe('none') // another Node built: a run keeps its own cache (code-cache.e2e.test.ts)
    }
  })
})
