/**
 * The built CLI (node bin/run.js) as a user runs it: routing through the manifest, stdout/stderr separation and
 * exit codes. Prism (one per run, see global-setup.ts) stands in for the Groq API and validates every request;
 * local servers give the answers Prism cannot (404 for an unknown id) and a closed port the network error.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, inject, it, type TestContext} from 'vitest'

import {closedPortURL, lines, ROOT, runCli, startServer} from '../helpers/cli.js'

const prismURL = inject('prismURL')
// Contract tests: skipped when Groq's spec is missing outside CI (test/helpers/spec.ts).
const withPrism = describe.skipIf(!prismURL)
const KEY = 'gsk_e2e_0123456789'
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version

// Tests here run concurrently, so cleanups go through each test's own context (a bare onTestFinished would
// attach to whichever test happens to be current).

/** A recording proxy in front of Prism, closed after the test: shows what reached Prism and what Prism answered. */
async function prismProxy(onTestFinished: TestContext['onTestFinished']) {
  const proxy = await startServer({proxy: prismURL})
  onTestFinished(() => proxy.close())
  return proxy
}

/** A local server with canned replies, closed after the test. */
async function server(onTestFinished: TestContext['onTestFinished'], options: Parameters<typeof startServer>[0]) {
  const started = await startServer(options)
  onTestFinished(() => started.close())
  return started
}

/** What Prism itself answers to GET /openai/v1/models (placeholder values generated from the schema). */
async function prismModels(): Promise<{data: Array<{id: string}>; object: string}> {
  const response = await fetch(`${prismURL}/openai/v1/models`, {headers: {authorization: `Bearer ${KEY}`}})
  if (response.status !== 200) throw new Error(`Prism answered ${response.status}`)
  return response.json() as Promise<{data: Array<{id: string}>; object: string}>
}

const NOT_FOUND = {
  body: {
    error: {
      code: 'model_not_found',
      message: 'The model `no-such-model` does not exist',
      type: 'invalid_request_error',
    },
  },
  headers: {'x-request-id': 'req_e2e_404'},
  status: 404,
}

withPrism.concurrent('models against Prism', () => {
  it('models list --json prints the API object unchanged', async ({expect}) => {
    const result = await runCli(['models', 'list', '--json'], {env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: prismURL}})
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    const parsed = JSON.parse(result.stdout) as {data: Array<{id: unknown}>; object: string}
    expect(parsed).toEqual(await prismModels())
    expect(parsed.object).toBe('list')
    expect(parsed.data.length).toBeGreaterThan(0)
    for (const model of parsed.data) expect(model.id).toEqual(expect.stringMatching(/^\S+$/))
  })

  it('piped models list prints one tab-separated row per model, id first, and Prism accepted the request', async ({
    expect,
    onTestFinished,
  }) => {
    const proxy = await prismProxy(onTestFinished)
    const result = await runCli(['models', 'list'], {env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url}})
    expect(result).toMatchObject({exitCode: 0, stderr: ''})
    const ids = (await prismModels()).data.map((model) => model.id).sort()
    const rows = lines(result.stdout).map((row) => row.split('\t'))
    expect(rows.map((fields) => fields[0])).toEqual(ids)
    for (const fields of rows) expect(fields.length).toBeGreaterThan(1)
    expect(proxy.requests).toHaveLength(1)
    expect(proxy.requests[0]).toMatchObject({
      headers: {authorization: `Bearer ${KEY}`},
      method: 'GET',
      path: '/openai/v1/models',
      response: {status: 200},
    })
  })

  it('models get ID sends GET /openai/v1/models/ID, Prism accepts it, the model is printed', async ({
    expect,
    onTestFinished,
  }) => {
    const proxy = await prismProxy(onTestFinished)
    const result = await runCli(['models', 'get', 'llama-3.3-70b-versatile', '--json'], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url},
    })
    expect(result).toMatchObject({exitCode: 0, stderr: ''})
    expect(proxy.requests).toHaveLength(1)
    const [request] = proxy.requests
    expect(request).toMatchObject({
      headers: {authorization: `Bearer ${KEY}`},
      method: 'GET',
      path: '/openai/v1/models/llama-3.3-70b-versatile',
      response: {status: 200},
    })
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(request.response!.body))
  })

  it('models rm ID --yes sends DELETE /openai/v1/models/ID, Prism accepts it, the deleted id is printed', async ({
    expect,
    onTestFinished,
  }) => {
    const proxy = await prismProxy(onTestFinished)
    const result = await runCli(['models', 'rm', 'my-org/my-fine-tune', '--yes'], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url},
    })
    expect(result).toMatchObject({exitCode: 0, stderr: ''})
    expect(proxy.requests).toHaveLength(1)
    const [request] = proxy.requests
    expect(request).toMatchObject({
      headers: {authorization: `Bearer ${KEY}`},
      method: 'DELETE',
      // groq-sdk encodes the id as one path segment.
      path: '/openai/v1/models/my-org%2Fmy-fine-tune',
      response: {status: 200},
    })
    expect(result.stdout).toBe(`${(JSON.parse(request.response!.body) as {id: string}).id}\n`)
  })
})

describe.concurrent('errors: exactly one stderr line, nothing on stdout, the documented exit code', () => {
  for (const json of [[], ['--json']]) {
    const suffix = json.length > 0 ? ' (--json)' : ''

    it(`no API key -> exit 3, before any request${suffix}`, async ({expect, onTestFinished}) => {
      const api = await server(onTestFinished, {reply: {body: {data: [], object: 'list'}, status: 200}})
      const result = await runCli(['models', 'list', ...json], {env: {GROQ_BASE_URL: api.url}})
      expect(result.stdout).toBe('')
      expect(lines(result.stderr)).toEqual([
        expect.stringMatching(/^Error: No API key\. .*--api-key.*GROQ_API_KEY.*groq auth login/),
      ])
      expect(result.exitCode).toBe(3)
      expect(api.requests).toEqual([])
    })

    it(`an unknown model (the server answers 404) -> exit 4${suffix}`, async ({expect, onTestFinished}) => {
      const api = await server(onTestFinished, {reply: NOT_FOUND})
      const result = await runCli(['models', 'get', 'no-such-model', ...json], {
        env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: api.url},
      })
      expect(result.stdout).toBe('')
      expect(lines(result.stderr)).toEqual([
        'Error: 404 Not Found: The model `no-such-model` does not exist (invalid_request_error, model_not_found) [request id req_e2e_404]',
      ])
      expect(result.exitCode).toBe(4)
      // 404 is not retried
      expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'GET /openai/v1/models/no-such-model',
      ])
    })

    it(`the server is unreachable (a closed port) -> exit 6${suffix}`, async ({expect}) => {
      const url = await closedPortURL()
      const result = await runCli(['models', 'list', '--max-retries', '0', ...json], {
        env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: url},
      })
      expect(result.stdout).toBe('')
      expect(lines(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^Error: Cannot reach ${url}\\b`))])
      expect(result.exitCode).toBe(6)
    })
  }

  it('the server is unreachable, with the default retries -> one line per retry, one error line, exit 6', async ({
    expect,
  }) => {
    const url = await closedPortURL()
    const result = await runCli(['models', 'list'], {env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: url}})
    expect(result.stdout).toBe('')
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^connection refused \(ECONNREFUSED\); retrying in 0\.\d s \(attempt 2 of 3\)$/),
      expect.stringMatching(/^connection refused \(ECONNREFUSED\); retrying in \d\.\d s \(attempt 3 of 3\)$/),
      expect.stringMatching(new RegExp(`^Error: Cannot reach ${url}\\b`)),
    ])
    expect(result.exitCode).toBe(6)
  })

  it("the developer's own GROQ_API_KEY, GROQ_BASE_URL and CI never reach the CLI", async ({expect, onTestFinished}) => {
    const api = await server(onTestFinished, {reply: {body: {data: [], object: 'list'}, status: 200}})
    const saved = {CI: process.env.CI, GROQ_API_KEY: process.env.GROQ_API_KEY, GROQ_BASE_URL: process.env.GROQ_BASE_URL}
    Object.assign(process.env, {CI: '1', GROQ_API_KEY: 'gsk_developer_key', GROQ_BASE_URL: api.url})
    try {
      const result = await runCli(['models', 'list'])
      expect(result).toMatchObject({exitCode: 3, stdout: ''})
      expect(api.requests).toEqual([])
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })

  it('models rm without --yes and no TTY -> exit 2, no request sent', async ({expect, onTestFinished}) => {
    const api = await server(onTestFinished, {reply: {body: {deleted: true, id: 'x', object: 'model'}, status: 200}})
    const result = await runCli(['models', 'rm', 'my-org/my-fine-tune'], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: api.url},
    })
    expect(result.stdout).toBe('')
    expect(lines(result.stderr)).toEqual([
      'Error: Refusing to delete model my-org/my-fine-tune without confirmation: pass --yes',
    ])
    expect(result.exitCode).toBe(2)
    expect(api.requests).toEqual([])
  })

  it('models rm without --yes refuses even with stdin fed (not a TTY)', async ({expect, onTestFinished}) => {
    const api = await server(onTestFinished, {reply: {body: {deleted: true, id: 'x', object: 'model'}, status: 200}})
    const result = await runCli(['models', 'rm', 'x'], {env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: api.url}, stdin: 'y\n'})
    expect(result).toMatchObject({exitCode: 2, stdout: ''})
    expect(lines(result.stderr)).toHaveLength(1)
    expect(api.requests).toEqual([])
  })

  // Our command_not_found hook (src/hooks/command-not-found.ts): the spaced id and the nearest commands, one line.
  for (const [argv, line] of [
    [['nope'], 'Error: unknown command "nope". See "groq --help".'],
    [['models', 'lst'], 'Error: unknown command "models lst". Did you mean "models list"?'],
    [['modles', 'list', '--json'], 'Error: unknown command "modles list". Did you mean "models list"?'],
    [['models', 'list', 'extra'], 'Error: unexpected argument "extra". See "groq models list --help".'],
  ] as const) {
    it(`unknown command \`groq ${argv.join(' ')}\` -> exit 2`, async ({expect}) => {
      const result = await runCli([...argv])
      expect(result).toEqual({exitCode: 2, signal: null, stderr: line + '\n', stdout: ''})
    })
  }

  it('an unknown command under CI=1 -> exit 2, one line', async ({expect}) => {
    const result = await runCli(['nope'], {env: {CI: '1'}})
    expect(result).toMatchObject({exitCode: 2, stdout: ''})
    expect(lines(result.stderr)).toHaveLength(1)
  })

  for (const [argv, pattern] of [
    [
      ['models', 'list', '--output', 'bogus'],
      /^Error: --output: "bogus" is not one of json, table, plain, ndjson\. See "groq models list --help"\.$/,
    ],
    [['models', 'list', '--timeout', 'soon'], /^Error: --timeout: "soon" is not a duration/],
    [
      ['models', 'list', '--max-retries', 'many'],
      /^Error: --max-retries: expected an integer, got "many"\. See "groq models list --help"\.$/,
    ],
    [['models', 'list', '--nope'], /^Error: unknown flag --nope\. See "groq models list --help"\.$/],
    [['models', 'get'], /^Error: missing argument MODEL \(model id\)\. See "groq models get --help"\.$/],
  ] as const) {
    it(`a bad flag or argument \`groq ${argv.join(' ')}\` -> exit 2, before any request`, async ({
      expect,
      onTestFinished,
    }) => {
      const api = await server(onTestFinished, {reply: {body: {data: [], object: 'list'}, status: 200}})
      const result = await runCli([...argv], {env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: api.url}})
      expect(result.stdout).toBe('')
      expect(lines(result.stderr)).toEqual([expect.stringMatching(pattern)])
      expect(result.exitCode).toBe(2)
      expect(api.requests).toEqual([])
    })
  }
})

describe.concurrent('help and version', () => {
  it('groq --version prints the version on stdout', async ({expect}) => {
    const result = await runCli(['--version'])
    expect(result).toMatchObject({exitCode: 0, stderr: ''})
    expect(result.stdout).toMatch(
      new RegExp(`^groq-cli/${VERSION.replaceAll('.', '\\.')} \\S+ node-v\\d+\\.\\d+\\.\\d+\\n$`),
    )
  })

  it('groq --help lists the topics and commands with their descriptions', async ({expect}) => {
    const result = await runCli(['--help'])
    expect(result).toMatchObject({exitCode: 0, stderr: ''})
    expect(result.stdout).toContain('USAGE\n  $ groq [COMMAND]')
    expect(result.stdout).toMatch(/^TOPICS\n(.*\n)*? {2}models +List, inspect and delete models$/m)
    expect(result.stdout).toMatch(/^COMMANDS\n(.*\n)*? {2}help +Display help for groq\.$/m)
    expect(result.stdout).toMatch(/^EXAMPLES\n {2}\$ groq auth login\n {2}\$ groq models list\n/m)
    expect(result.stdout).toContain("  $ groq models list --json | jq -r '.data[].id'\n")
  })

  it('groq models --help lists every models command with its summary', async ({expect}) => {
    const result = await runCli(['models', '--help'])
    expect(result).toMatchObject({exitCode: 0, stderr: ''})
    expect(result.stdout).toContain('USAGE\n  $ groq models COMMAND')
    expect(result.stdout).toMatch(/^ {2}models list +List the models available to your API key$/m)
    expect(result.stdout).toMatch(/^ {2}models get +Show one model$/m)
    expect(result.stdout).toMatch(/^ {2}models rm +Delete a model \(a fine-tuned model you own\)$/m)
    expect(result.stdout).not.toContain('models delete')
    expect(result.stdout).toMatch(
      /^EXAMPLES\n {2}\$ groq models get llama-3\.3-70b-versatile\n {2}\$ groq models list\n {2}\$ groq models rm my-org\/my-fine-tune\n$/m,
    )
  })

  for (const [command, example] of [
    ['list', '$ groq models list --active | cut -f1'],
    ['get', '$ groq models get llama-3.3-70b-versatile'],
    ['rm', '$ groq models rm my-org/my-fine-tune --yes --json'],
  ]) {
    it(`groq models ${command} --help shows usage, flags, global flags and examples`, async ({expect}) => {
      const result = await runCli(['models', command, '--help'])
      expect(result).toMatchObject({exitCode: 0, stderr: ''})
      expect(result.stdout).toContain(`USAGE\n  $ groq models ${command}`)
      expect(result.stdout).toMatch(/^GLOBAL FLAGS$/m)
      expect(result.stdout).toMatch(/^ {6}--json +print the API response as JSON/m)
      expect(result.stdout).toMatch(/^EXAMPLES$/m)
      expect(result.stdout).toContain(example)
    })
  }
})
