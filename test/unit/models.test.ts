import nock from 'nock'
import {describe, expect, it} from 'vitest'

import ModelsGet from '../../src/commands/models/get.js'
import ModelsList from '../../src/commands/models/list.js'
import ModelsRm from '../../src/commands/models/rm.js'
import {API, KEY, MODELS} from '../helpers/fixtures.js'
import {expectListModes} from '../helpers/list-modes.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

describe('models list', () => {
  it('sends GET /openai/v1/models with the bearer key and prints sorted tab-separated rows when piped', async () => {
    const scope = nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .get('/openai/v1/models')
      .reply(200, MODELS)
    const result = await run(ModelsList, [], {env: env()})
    expect(scope.isDone()).toBe(true)
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout:
        'gemma2-9b-it\tGoogle\t8192\ttrue\t1693721698\n' +
        'llama-3.1-8b-instant\tMeta\t131072\ttrue\t1693721698\n' +
        'whisper-large-v3-turbo\tOpenAI\t448\tfalse\t1728413088\n',
    })
  })

  it('prints a table with human values on a TTY', async () => {
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const result = await run(ModelsList, ['--no-color'], {env: env(), stdoutTTY: true})
    expect(result.stdout).toBe(
      [
        'ID                      OWNER   CONTEXT WINDOW  ACTIVE  CREATED (UTC)',
        'gemma2-9b-it            Google  8,192           yes     2023-09-03 06:14',
        'llama-3.1-8b-instant    Meta    131,072         yes     2023-09-03 06:14',
        'whisper-large-v3-turbo  OpenAI  448             no      2024-10-08 18:44',
        '',
      ].join('\n'),
    )
  })

  it('--json prints the API object unchanged, compact when piped', async () => {
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const result = await run(ModelsList, ['--json'], {env: env()})
    expect(result.stdout).toBe(JSON.stringify(MODELS) + '\n')
    expect(JSON.parse(result.stdout)).toEqual(MODELS)
  })

  it('-o json is the same as --json, pretty on a TTY', async () => {
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const result = await run(ModelsList, ['-o', 'json', '--no-color'], {env: env(), stdoutTTY: true})
    expect(result.stdout).toBe(JSON.stringify(MODELS, null, 2) + '\n')
  })

  it('--active filters, and -o ndjson prints one model per line', async () => {
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const result = await run(ModelsList, ['--active', '-o', 'ndjson'], {env: env()})
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((model) => model.id)).toEqual(['gemma2-9b-it', 'llama-3.1-8b-instant'])
  })

  it('--active in the four modes: table, TSV, the filtered API object, one model a line', async () => {
    const [instant, gemma] = MODELS.data
    await expectListModes(ModelsList, ['--active'], {
      before: () => nock(API).get('/openai/v1/models').reply(200, MODELS),
      env: env(),
      json: {...MODELS, data: [instant, gemma]},
      ndjson: [gemma, instant],
      table: [
        'ID                    OWNER   CONTEXT WINDOW  ACTIVE  CREATED (UTC)',
        'gemma2-9b-it          Google  8,192           yes     2023-09-03 06:14',
        'llama-3.1-8b-instant  Meta    131,072         yes     2023-09-03 06:14',
      ],
      tsv: [
        ['gemma2-9b-it', 'Google', '8192', 'true', '1693721698'],
        ['llama-3.1-8b-instant', 'Meta', '131072', 'true', '1693721698'],
      ],
    })
  })

  it('without any key exits 3 before any request, naming the three ways to give one', async () => {
    const result = await run(ModelsList, [], {env: tempHome().env})
    expect(result.exitCode).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      'Error: No API key. Provide one with --api-key, the GROQ_API_KEY environment variable, or `groq auth login` (saves it to your profile).\n',
    )
  })

  it('--api-key wins over GROQ_API_KEY, and --base-url over GROQ_BASE_URL', async () => {
    const scope = nock('http://127.0.0.1:4010', {reqheaders: {authorization: 'Bearer from-flag'}})
      .get('/openai/v1/models')
      .reply(200, MODELS)
    const result = await run(ModelsList, ['--api-key', 'from-flag', '--base-url', 'http://127.0.0.1:4010'], {
      env: {...env(), GROQ_BASE_URL: 'http://127.0.0.1:1'},
    })
    expect(scope.isDone()).toBe(true)
    expect(result.exitCode).toBe(0)
  })

  it('a 401 exits 3 with status, Groq message, type and request id on one stderr line', async () => {
    nock(API)
      .get('/openai/v1/models')
      .reply(
        401,
        {error: {code: 'invalid_api_key', message: 'Invalid API Key', type: 'invalid_request_error'}},
        {'x-request-id': 'req_123'},
      )
    const result = await run(ModelsList, ['--json'], {env: env()})
    expect(result).toEqual({
      exitCode: 3,
      stderr:
        'Error: 401 Unauthorized: Invalid API Key (invalid_request_error, invalid_api_key) [request id req_123]\n',
      stdout: '',
    })
  })

  it('a 429 is retried --max-retries times, then exits 5', async () => {
    const body = {error: {message: 'Rate limit reached', type: 'tokens'}}
    nock(API).get('/openai/v1/models').times(2).reply(429, body, {'retry-after-ms': '1'})
    const result = await run(ModelsList, ['--max-retries', '1'], {env: env()})
    expect(result.exitCode).toBe(5)
    expect(result.stderr).toBe(
      '429 rate limited; retrying in 1 ms (attempt 2 of 2)\nError: 429 Too Many Requests: Rate limit reached (tokens)\n',
    )
  })

  it('a 500 after retries exits 1', async () => {
    nock(API)
      .get('/openai/v1/models')
      .reply(500, {error: {message: 'boom', type: 'internal_error'}})
    const result = await run(ModelsList, ['--max-retries', '0'], {env: env()})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe('Error: 500 Internal Server Error: boom (internal_error)\n')
  })

  it('a refused connection exits 6, naming the URL', async () => {
    const result = await run(ModelsList, ['--max-retries', '0', '--base-url', 'http://127.0.0.1:5999'], {env: env()})
    expect(result).toEqual({
      exitCode: 6,
      stderr: 'Error: Cannot reach http://127.0.0.1:5999 (ECONNREFUSED)\n',
      stdout: '',
    })
  })

  it('--timeout exits 6 when the server is too slow', async () => {
    nock(API).get('/openai/v1/models').delay(2000).reply(200, MODELS)
    const result = await run(ModelsList, ['--timeout', '100ms', '--max-retries', '0'], {env: env()})
    expect(result.exitCode).toBe(6)
    expect(result.stderr).toBe('Error: Request to https://api.groq.com timed out (raise --timeout?)\n')
  })

  it('a bad --timeout is a usage error, before any request', async () => {
    const result = await run(ModelsList, ['--timeout', 'soon'], {env: env()})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: --timeout: "soon" is not a duration (use e.g. 500ms, 30s, 2m, 1h, or seconds)\n',
      stdout: '',
    })
  })
})

describe('models get', () => {
  const model = {...MODELS.data[0], max_completion_tokens: 131_072}

  it('GETs the model by id and prints key/value rows when piped', async () => {
    nock(API).get('/openai/v1/models/llama-3.1-8b-instant').reply(200, model)
    const result = await run(ModelsGet, ['llama-3.1-8b-instant'], {env: env()})
    expect(result.stdout).toBe(
      'id\tllama-3.1-8b-instant\nowner\tMeta\ncontext window\t131072\nactive\ttrue\ncreated\t1693721698\nmax completion tokens\t131072\n',
    )
  })

  it('an unknown model (404) exits 4 with nothing on stdout', async () => {
    nock(API)
      .get('/openai/v1/models/nope')
      .reply(404, {
        error: {code: 'model_not_found', message: 'The model `nope` does not exist', type: 'invalid_request_error'},
      })
    const result = await run(ModelsGet, ['nope', '--json'], {env: env()})
    expect(result).toEqual({
      exitCode: 4,
      stderr: 'Error: 404 Not Found: The model `nope` does not exist (invalid_request_error, model_not_found)\n',
      stdout: '',
    })
  })
})

describe('models rm', () => {
  it('refuses without --yes when nobody can be asked, before any request', async () => {
    const result = await run(ModelsRm, ['my-model'], {env: env(), stdin: ''})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: Refusing to delete model my-model without confirmation: pass --yes\n',
      stdout: '',
    })
  })

  it('with --yes sends DELETE and prints the deleted id', async () => {
    nock(API).delete('/openai/v1/models/my-model').reply(200, {deleted: true, id: 'my-model', object: 'model'})
    const result = await run(ModelsRm, ['my-model', '--yes'], {env: env()})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: 'my-model\n'})
  })
})

describe('--debug', () => {
  it('adds a request/response summary and the stack on stderr, never the key; stdout stays data', async () => {
    nock(API)
      .get('/openai/v1/models/nope')
      .reply(404, {error: {code: 'model_not_found', message: 'no such model', type: 'invalid_request_error'}})
    const result = await run(ModelsGet, ['nope', '--debug'], {env: env()})
    expect(result.exitCode).toBe(4)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('sending request')
    expect(result.stderr).toContain('"authorization":"***"')
    expect(result.stderr).toContain('failed with status 404')
    expect(result.stderr).toContain('Error: 404 Not Found: no such model (invalid_request_error, model_not_found)\n')
    expect(result.stderr).toMatch(/\n {4}at /) // the stack
    expect(result.stderr).not.toContain(KEY)
  })

  it('without --debug there is no summary and no stack', async () => {
    nock(API)
      .get('/openai/v1/models/nope')
      .reply(404, {error: {message: 'no such model'}})
    const result = await run(ModelsGet, ['nope'], {env: env()})
    expect(result.stderr).toBe('Error: 404 Not Found: no such model\n')
  })
})
