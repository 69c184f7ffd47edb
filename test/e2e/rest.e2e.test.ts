/**
 * embed, rerank, responses, fine-tunings and api through the built CLI against Prism: each valid request reaches
 * Prism and passes its validation against Groq's spec (a recording proxy in front shows what was sent and that
 * Prism answered 200), and one deliberately invalid request per command is refused locally with exit 2, with no
 * request sent.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, inject, it, type TestContext} from 'vitest'

import {lines, runCli, startServer} from '../helpers/cli.js'

const prismURL = inject('prismURL')
// Contract tests: skipped when Groq's spec is missing outside CI (test/helpers/spec.ts).
const withPrism = describe.skipIf(!prismURL)
const KEY = 'gsk_e2e_0123456789'

/** Runs the CLI with a recording proxy in front of Prism; the proxy is closed after the test. */
async function viaPrism(
  onTestFinished: TestContext['onTestFinished'],
  args: string[],
  options: {stdin?: string; cwd?: string} = {},
) {
  const proxy = await startServer({proxy: prismURL})
  onTestFinished(() => proxy.close())
  const result = await runCli(args, {...options, env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url}})
  return {requests: proxy.requests, result}
}

function tempDir(onTestFinished: TestContext['onTestFinished']): string {
  const dir = mkdtempSync(join(tmpdir(), 'groq-rest-e2e-'))
  onTestFinished(() => rmSync(dir, {force: true, recursive: true}))
  return dir
}

withPrism.concurrent('the rest of the API against Prism', () => {
  it('embed: valid texts pass validation; an empty text is refused locally (exit 2, nothing sent)', async ({
    expect,
    onTestFinished,
  }) => {
    // One text: Prism answers one placeholder vector whatever was sent, and embed checks one vector per input.
    const ok = await viaPrism(onTestFinished, ['embed', '--json', 'alpha'])
    expect(ok.result).toMatchObject({exitCode: 0, stderr: ''})
    expect(ok.requests).toHaveLength(1)
    expect(ok.requests[0]).toMatchObject({method: 'POST', path: '/openai/v1/embeddings', response: {status: 200}})
    expect(JSON.parse(ok.requests[0].text)).toEqual({input: ['alpha'], model: 'nomic-embed-text-v1_5'})
    expect(JSON.parse(ok.result.stdout)).toEqual(JSON.parse(ok.requests[0].response!.body))

    const bad = await viaPrism(onTestFinished, ['embed'], {stdin: 'alpha\n\nbeta\n'})
    expect(bad.result).toMatchObject({exitCode: 2, stdout: ''})
    expect(lines(bad.result.stderr)).toEqual(['Error: stdin line 2 is empty: the API refuses empty texts'])
    expect(bad.requests).toHaveLength(0)
  })

  it('rerank: a valid request passes; 101 documents are refused locally', async ({expect, onTestFinished}) => {
    const ok = await viaPrism(onTestFinished, [
      'rerank',
      '--query',
      'ai',
      '--instruction',
      'be strict',
      'doc one',
      'doc two',
    ])
    expect(ok.result).toMatchObject({exitCode: 0, stderr: ''})
    expect(ok.requests[0]).toMatchObject({method: 'POST', path: '/openai/v1/reranking', response: {status: 200}})
    expect(JSON.parse(ok.requests[0].text)).toEqual({
      docs: ['doc one', 'doc two'],
      instruction: 'be strict',
      model: 'qwen3-reranker-4b',
      query: 'ai',
    })
    const many = Array.from({length: 101}, (_, index) => `doc ${index}`).join('\n')
    const bad = await viaPrism(onTestFinished, ['rerank', '--query', 'ai'], {stdin: many})
    expect(bad.result).toMatchObject({exitCode: 2, stdout: ''})
    expect(lines(bad.result.stderr)).toEqual(['Error: 101 documents: the API ranks at most 100 per request'])
    expect(bad.requests).toHaveLength(0)
  })

  it('responses create: every field flag passes validation; an out-of-range temperature is refused locally', async ({
    expect,
    onTestFinished,
  }) => {
    const dir = tempDir(onTestFinished)
    writeFileSync(join(dir, 'weather.json'), JSON.stringify({name: 'get_weather', parameters: {type: 'object'}}))
    writeFileSync(join(dir, 'person.json'), JSON.stringify({properties: {name: {type: 'string'}}, type: 'object'}))
    const ok = await viaPrism(
      onTestFinished,
      [
        'responses',
        'create',
        'Weather in Paris?',
        '--instructions',
        'Be brief',
        '--max-output-tokens',
        '100',
        '--temperature',
        '0.5',
        '--top-p',
        '0.9',
        '--tool',
        'weather.json',
        '--tool-choice',
        'auto',
        '--parallel-tool-calls',
        '--reasoning-effort',
        'low',
        '--schema',
        'person.json',
        '--service-tier',
        'auto',
        '--truncation',
        'disabled',
        '--no-store',
        '--metadata',
        'run=1',
        '--user',
        'u1',
        '--json',
      ],
      {cwd: dir},
    )
    expect(ok.result).toMatchObject({exitCode: 0, stderr: ''})
    expect(ok.requests[0]).toMatchObject({method: 'POST', path: '/openai/v1/responses', response: {status: 200}})
    expect(JSON.parse(ok.requests[0].text)).toMatchObject({
      input: 'Weather in Paris?',
      metadata: {run: '1'},
      reasoning: {effort: 'low'},
      store: false,
      text: {format: {name: 'person', type: 'json_schema'}},
      tools: [{name: 'get_weather', type: 'function'}],
    })
    const bad = await viaPrism(onTestFinished, ['responses', 'create', '--temperature', '5', 'hi'])
    expect(bad.result).toMatchObject({exitCode: 2, stdout: ''})
    expect(lines(bad.result.stderr)).toEqual(['Error: --temperature: 5 is out of range (must be from 0 to 2)'])
    expect(bad.requests).toHaveLength(0)
  })

  it('fine-tunings list, get, create and rm pass validation; each refuses a bad call locally', async ({
    expect,
    onTestFinished,
  }) => {
    const calls: Array<[string[], string, string]> = [
      [['fine-tunings', 'list'], 'GET', '/v1/fine_tunings'],
      [['fine-tunings', 'get', 'ft_1'], 'GET', '/v1/fine_tunings/ft_1'],
      [
        ['fine-tunings', 'create', '--base-model', 'llama-3.1-8b-instant', '--input-file-id', 'file_1', '--name', 't1'],
        'POST',
        '/v1/fine_tunings',
      ],
      [['fine-tunings', 'rm', 'ft_1', '--yes'], 'DELETE', '/v1/fine_tunings/ft_1'],
    ]
    const runs = await Promise.all(calls.map(([args]) => viaPrism(onTestFinished, args)))
    runs.forEach(({requests, result}, index) => {
      const [args, method, path] = calls[index]
      expect(result, args.join(' ')).toMatchObject({exitCode: 0, stderr: ''})
      expect(requests).toHaveLength(1)
      expect(requests[0]).toMatchObject({method, path, response: {status: 200}})
    })
    expect(JSON.parse(runs[2].requests[0].text)).toEqual({
      base_model: 'llama-3.1-8b-instant',
      input_file_id: 'file_1',
      name: 't1',
      type: 'lora',
    })

    const refused = await Promise.all(
      [
        ['fine-tunings', 'list', '--limit', '0'],
        ['fine-tunings', 'get'],
        ['fine-tunings', 'create', '--base-model', 'm', '--input-file-id', 'f', '--name', ''],
        ['fine-tunings', 'rm', 'ft_1'],
      ].map((args) => viaPrism(onTestFinished, args)),
    )
    for (const {requests, result} of refused) {
      expect(result.exitCode).toBe(2)
      expect(lines(result.stderr)).toHaveLength(1)
      expect(requests).toHaveLength(0)
    }
  })

  it('api: GET prints JSON jq can read; POST --input body.json passes validation; a 404 exits 4; a bad method exits 2', async ({
    expect,
    onTestFinished,
  }) => {
    const models = await viaPrism(onTestFinished, ['api', '/openai/v1/models'])
    expect(models.result).toMatchObject({exitCode: 0, stderr: ''})
    expect(models.result.stdout).toBe(models.requests[0].response!.body)
    expect(JSON.parse(models.result.stdout)).toMatchObject({object: 'list'})

    const dir = tempDir(onTestFinished)
    const body = {messages: [{content: 'hi', role: 'user'}], model: 'llama-3.1-8b-instant'}
    writeFileSync(join(dir, 'body.json'), JSON.stringify(body))
    const chat = await viaPrism(
      onTestFinished,
      ['api', '-X', 'POST', '/openai/v1/chat/completions', '--input', 'body.json'],
      {cwd: dir},
    )
    expect(chat.result).toMatchObject({exitCode: 0, stderr: ''})
    expect(chat.requests[0]).toMatchObject({method: 'POST', response: {status: 200}})
    expect(JSON.parse(chat.requests[0].text)).toEqual(body)

    const missing = await viaPrism(onTestFinished, ['api', '/openai/v1/no-such-endpoint'])
    expect(missing.result.exitCode).toBe(4)
    expect(missing.result.stdout).toBe('')
    expect(lines(missing.result.stderr)).toHaveLength(1)
    expect(missing.result.stderr).toMatch(/^Error: 404 Not Found/)

    // Prism does validate: a body without the required `input` is answered 422 (exit 1).
    const invalid = await viaPrism(onTestFinished, [
      'api',
      '/openai/v1/embeddings',
      '-f',
      'model=nomic-embed-text-v1_5',
    ])
    expect(invalid.requests[0].response!.status).toBe(422)
    expect(invalid.result.exitCode).toBe(1)

    const bad = await viaPrism(onTestFinished, ['api', '-X', 'TRACE', '/openai/v1/models'])
    expect(bad.result).toMatchObject({exitCode: 2, stdout: ''})
    expect(bad.requests).toHaveLength(0)
  })

  it('limits: the one-token probe passes validation; an empty model is refused locally', async ({
    expect,
    onTestFinished,
  }) => {
    const ok = await viaPrism(onTestFinished, ['limits', 'llama-3.1-8b-instant', '--json'])
    expect(ok.result).toMatchObject({exitCode: 0, stderr: ''})
    expect(ok.requests[0]).toMatchObject({method: 'POST', path: '/openai/v1/chat/completions', response: {status: 200}})
    // Prism sends no rate-limit headers: the model is listed with empty limits.
    expect(JSON.parse(ok.result.stdout)).toEqual({
      data: [{model: 'llama-3.1-8b-instant', requests: {}, tokens: {}}],
      object: 'list',
    })
    const bad = await viaPrism(onTestFinished, ['limits', ' '])
    expect(bad.result).toMatchObject({exitCode: 2, stderr: 'Error: MODEL must not be empty\n', stdout: ''})
    expect(bad.requests).toHaveLength(0)
  })
})
