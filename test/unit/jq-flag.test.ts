import nock from 'nock'
import {describe, expect, it} from 'vitest'

import ModelsGet from '../../src/commands/models/get.js'
import ModelsList from '../../src/commands/models/list.js'
import {API, KEY, MODELS} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

describe('--jq on a command', () => {
  it('filters the API object; strings print raw, one per line', async () => {
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const result = await run(ModelsList, ['--jq', '.data[] | select(.active) | .id'], {env: env()})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: 'llama-3.1-8b-instant\ngemma2-9b-it\n'})
  })

  it('prints other values as compact JSON in a pipe, and pretty and coloured on a terminal', async () => {
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const piped = await run(ModelsList, ['--jq', '{n: (.data | length)}'], {env: env()})
    expect(piped.stdout).toBe('{"n":3}\n')
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const tty = await run(ModelsList, ['--jq', '{n: (.data | length)}'], {env: env(), stdoutTTY: true})
    expect(tty.stdout).toBe('{\n  \u001B[34;1m"n"\u001B[0m: \u001B[33m3\u001B[0m\n}\n')
  })

  it('a bad expression exits 2 before any request (no interceptor: a request would fail the test)', async () => {
    const result = await run(ModelsList, ['--jq', '.data[] |'], {env: env()})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^Error: --jq: jq: error: syntax error, unexpected end of file.* line 1/)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
  })

  it('a filter that fails on the data exits 2 after printing what came before', async () => {
    nock(API).get('/openai/v1/models/llama-3.1-8b-instant').reply(200, MODELS.data[0])
    const result = await run(ModelsGet, ['llama-3.1-8b-instant', '--jq', '.id, .id.x'], {env: env()})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: --jq: jq: error: Cannot index string with string ("x")\n',
      stdout: 'llama-3.1-8b-instant\n',
    })
  })
})

describe('JSON on a terminal', () => {
  it('is coloured unless NO_COLOR or --no-color', async () => {
    const model = MODELS.data[0]
    nock(API).get(`/openai/v1/models/${model.id}`).times(3).reply(200, model)
    const colored = await run(ModelsGet, [model.id, '--json'], {env: env(), stdoutTTY: true})
    expect(colored.stdout).toContain(`\u001B[34;1m"id"\u001B[0m: \u001B[32m"${model.id}"\u001B[0m`)
    const noColor = await run(ModelsGet, [model.id, '--json', '--no-color'], {env: env(), stdoutTTY: true})
    expect(noColor.stdout).toBe(JSON.stringify(model, null, 2) + '\n')
    const envNoColor = await run(ModelsGet, [model.id, '--json'], {env: {...env(), NO_COLOR: '1'}, stdoutTTY: true})
    expect(envNoColor.stdout).toBe(JSON.stringify(model, null, 2) + '\n')
  })
})
