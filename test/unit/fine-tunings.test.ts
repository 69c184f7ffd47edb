import nock from 'nock'
import {describe, expect, it} from 'vitest'

import FineTuningsCreate from '../../src/commands/fine-tunings/create.js'
import FineTuningsGet from '../../src/commands/fine-tunings/get.js'
import FineTuningsList from '../../src/commands/fine-tunings/list.js'
import FineTuningsRm from '../../src/commands/fine-tunings/rm.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

const TUNING = {
  base_model: 'llama-3.1-8b-instant',
  created_at: 1_736_472_600,
  fine_tuned_model: 'org/test-1',
  id: 'ft_1',
  input_file_id: 'file_1',
  name: 'test-1',
  type: 'lora',
}
const LIST = {data: [TUNING, {...TUNING, fine_tuned_model: '', id: 'ft_2', name: 'test-2'}], object: 'list'}
const ENVELOPE = {data: TUNING, id: 'ft_1', object: 'object'}

describe('fine-tunings', () => {
  it('list: GET /v1/fine_tunings (not under /openai), rows when piped, a table on a TTY, --json unchanged', async () => {
    nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .get('/v1/fine_tunings')
      .times(3)
      .reply(200, LIST)
    expect((await run(FineTuningsList, [], {env: env()})).stdout).toBe(
      'ft_1\ttest-1\tllama-3.1-8b-instant\tlora\torg/test-1\t1736472600\n' +
        'ft_2\ttest-2\tllama-3.1-8b-instant\tlora\t\t1736472600\n',
    )
    expect((await run(FineTuningsList, ['--no-color'], {env: env(), stdoutTTY: true})).stdout).toBe(
      [
        'ID    NAME    BASE MODEL            TYPE  FINE-TUNED MODEL  CREATED (UTC)',
        'ft_1  test-1  llama-3.1-8b-instant  lora  org/test-1        2025-01-10 01:30',
        'ft_2  test-2  llama-3.1-8b-instant  lora                    2025-01-10 01:30',
        '',
      ].join('\n'),
    )
    expect((await run(FineTuningsList, ['--json'], {env: env()})).stdout).toBe(JSON.stringify(LIST) + '\n')
  })

  it('get ID prints the fine-tuning as key/value rows; --json the whole answer', async () => {
    nock(API).get('/v1/fine_tunings/ft_1').times(2).reply(200, ENVELOPE)
    expect((await run(FineTuningsGet, ['ft_1'], {env: env()})).stdout).toBe(
      'id\tft_1\nname\ttest-1\nbase model\tllama-3.1-8b-instant\ntype\tlora\nfine-tuned model\torg/test-1\n' +
        'created\t1736472600\ninput file\tfile_1\n',
    )
    expect((await run(FineTuningsGet, ['ft_1', '--json'], {env: env()})).stdout).toBe(JSON.stringify(ENVELOPE) + '\n')
  })

  it('create sends base_model, input_file_id, name and type (default lora)', async () => {
    nock(API)
      .post('/v1/fine_tunings', {
        base_model: 'llama-3.1-8b-instant',
        input_file_id: 'file_1',
        name: 'test-1',
        type: 'lora',
      })
      .reply(200, ENVELOPE)
    const result = await run(
      FineTuningsCreate,
      ['--base-model', 'llama-3.1-8b-instant', '--input-file-id', 'file_1', '--name', 'test-1', '--json'],
      {env: env()},
    )
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: JSON.stringify(ENVELOPE) + '\n'})
  })

  it('create refuses a missing or empty flag before any request (exit 2)', async () => {
    const missing = await run(FineTuningsCreate, ['--base-model', 'm', '--input-file-id', 'f'], {env: env()})
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toMatch(/Missing required flag name/)
    const empty = await run(FineTuningsCreate, ['--base-model', 'm', '--input-file-id', 'f', '--name', ' '], {
      env: env(),
    })
    expect(empty).toEqual({exitCode: 2, stderr: 'Error: --name: must not be empty\n', stdout: ''})
  })

  it('rm ID --yes sends DELETE and prints the id; without --yes off a TTY it refuses (exit 2)', async () => {
    nock(API).delete('/v1/fine_tunings/ft_1').reply(200, {deleted: true, id: 'ft_1', object: 'fine_tuning'})
    expect(await run(FineTuningsRm, ['ft_1', '--yes'], {env: env()})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: 'ft_1\n',
    })
    const refused = await run(FineTuningsRm, ['ft_1'], {env: env()})
    expect(refused).toEqual({
      exitCode: 2,
      stderr: 'Error: Refusing to delete fine-tuning ft_1 without confirmation: pass --yes\n',
      stdout: '',
    })
  })

  it('a 403 or 404 says the endpoint is in closed beta, with exit 3 or 4', async () => {
    nock(API)
      .get('/v1/fine_tunings')
      .reply(403, {error: {message: 'Forbidden', type: 'permission_error'}}, {'x-request-id': 'req_1'})
    expect(await run(FineTuningsList, [], {env: env()})).toEqual({
      exitCode: 3,
      stderr:
        'Error: 403 Forbidden: Forbidden (permission_error) [request id req_1]; fine-tuning is in closed beta: ' +
        'without access, Groq answers 403 or 404 (ask at https://groq.com/contact)\n',
      stdout: '',
    })
    nock(API)
      .get('/v1/fine_tunings/nope')
      .reply(404, {error: {message: 'not found', type: 'invalid_request_error'}})
    const notFound = await run(FineTuningsGet, ['nope'], {env: env()})
    expect(notFound.exitCode).toBe(4)
    expect(notFound.stderr).toMatch(
      /^Error: 404 Not Found: not found \(invalid_request_error\); fine-tuning is in closed beta/,
    )
  })

  it('other errors are reported as usual (500: exit 1, no beta note)', async () => {
    nock(API)
      .get('/v1/fine_tunings')
      .reply(500, {error: {message: 'boom', type: 'internal_error'}})
    const result = await run(FineTuningsList, ['--max-retries', '0'], {env: env()})
    expect(result).toEqual({
      exitCode: 1,
      stderr: 'Error: 500 Internal Server Error: boom (internal_error)\n',
      stdout: '',
    })
  })
})

describe('fine-tunings list --limit', () => {
  it('shows at most N, and --json narrows data to them', async () => {
    nock(API).get('/v1/fine_tunings').reply(200, LIST)
    const result = await run(FineTuningsList, ['--limit', '1', '--json'], {env: env()})
    expect(JSON.parse(result.stdout)).toEqual({data: [TUNING], object: 'list'})
  })
})
