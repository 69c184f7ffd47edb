import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Embed from '../../src/commands/embed.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

/** What the API answers for a body: one 2-number vector per input, in a shuffled order (the API may do that). */
function answer(body: {input: string[]; model: string}, tokens = 3) {
  const data = body.input.map((text, index) => ({embedding: [index + 0.5, text.length], index, object: 'embedding'}))
  return {data: data.reverse(), model: body.model, object: 'list', usage: {prompt_tokens: tokens, total_tokens: tokens}}
}

describe('embed', () => {
  it('sends the texts in one request and prints one vector per line, in input order, when piped', async () => {
    let sent: unknown
    nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .post('/openai/v1/embeddings', (body) => {
        sent = body
        return true
      })
      .reply(200, (_uri, body) => answer(body as {input: string[]; model: string}))
    const result = await run(Embed, ['alpha', 'be'], {env: env()})
    expect(sent).toEqual({input: ['alpha', 'be'], model: 'nomic-embed-text-v1_5'})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: '0.5 5\n1.5 2\n'})
  })

  it('reads one text per stdin line and sends them --chunk-size at a time, indices over all inputs', async () => {
    const bodies: unknown[] = []
    nock(API)
      .post('/openai/v1/embeddings', (body) => {
        bodies.push(body)
        return true
      })
      .times(3)
      .reply(200, (_uri, body) => answer(body as {input: string[]; model: string}))
    const result = await run(Embed, ['--chunk-size', '2', '-o', 'ndjson', '--encoding-format', 'float'], {
      env: env(),
      stdin: 'a\r\nbb\nccc\ndddd\neeeee\n',
    })
    expect(bodies).toEqual([
      {encoding_format: 'float', input: ['a', 'bb'], model: 'nomic-embed-text-v1_5'},
      {encoding_format: 'float', input: ['ccc', 'dddd'], model: 'nomic-embed-text-v1_5'},
      {encoding_format: 'float', input: ['eeeee'], model: 'nomic-embed-text-v1_5'},
    ])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(
      [
        '{"index":0,"embedding":[0.5,1]}',
        '{"index":1,"embedding":[1.5,2]}',
        '{"index":2,"embedding":[0.5,3]}',
        '{"index":3,"embedding":[1.5,4]}',
        '{"index":4,"embedding":[0.5,5]}',
        '',
      ].join('\n'),
    )
  })

  it('--json prints the API object unchanged for one request', async () => {
    const body = {
      data: [{embedding: [0.25, -1], index: 0, object: 'embedding'}],
      model: 'm',
      object: 'list',
      usage: {prompt_tokens: 2, total_tokens: 2},
    }
    nock(API)
      .post('/openai/v1/embeddings', {input: ['x'], model: 'm'})
      .reply(200, body)
    const result = await run(Embed, ['--json', '-m', 'm', 'x'], {env: env()})
    expect(result.stdout).toBe(JSON.stringify(body) + '\n')
  })

  it('--json merges several requests into one list: input order, usage summed', async () => {
    nock(API)
      .post('/openai/v1/embeddings')
      .times(2)
      .reply(200, (_uri, body) => answer(body as {input: string[]; model: string}, 4))
    const result = await run(Embed, ['--json', '--chunk-size', '1', 'a', 'bc'], {env: env()})
    expect(JSON.parse(result.stdout)).toEqual({
      data: [
        {embedding: [0.5, 1], index: 0, object: 'embedding'},
        {embedding: [0.5, 2], index: 1, object: 'embedding'},
      ],
      model: 'nomic-embed-text-v1_5',
      object: 'list',
      usage: {prompt_tokens: 8, total_tokens: 8},
    })
  })

  it('base64 vectors print as their text, one per line; the model comes from config model.embed', async () => {
    const home = tempHome()
    const {mkdirSync, writeFileSync} = await import('node:fs')
    mkdirSync(home.configHome + '/groq', {recursive: true})
    writeFileSync(
      home.configHome + '/groq/config.json',
      JSON.stringify({profiles: {default: {'model.embed': 'my-embedder'}}}),
      {mode: 0o600},
    )
    nock(API)
      .post('/openai/v1/embeddings', {encoding_format: 'base64', input: ['x'], model: 'my-embedder'})
      .reply(200, {
        data: [{embedding: 'AAAA', index: 0, object: 'embedding'}],
        model: 'my-embedder',
        object: 'list',
        usage: {prompt_tokens: 1, total_tokens: 1},
      })
    const result = await run(Embed, ['--encoding-format', 'base64', 'x'], {env: {...home.env, GROQ_API_KEY: KEY}})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: 'AAAA\n'})
  })

  it('refuses an empty text, naming the stdin line, before any request (exit 2)', async () => {
    const result = await run(Embed, [], {env: env(), stdin: 'one\n\nthree\n'})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: stdin line 2 is empty: the API refuses empty texts\n',
      stdout: '',
    })
  })

  it('refuses no text on a terminal, an out-of-range --chunk-size and a wrong --encoding-format (exit 2)', async () => {
    expect((await run(Embed, [], {env: env(), stdinTTY: true})).stderr).toBe(
      'Error: No text to embed: give TEXT arguments or pipe one per line\n',
    )
    const chunk = await run(Embed, ['--chunk-size', '3000', 'x'], {env: env()})
    expect(chunk.exitCode).toBe(2)
    expect(chunk.stderr).toMatch(/chunk-size/)
    const format = await run(Embed, ['--encoding-format', 'int8', 'x'], {env: env()})
    expect(format.exitCode).toBe(2)
    expect(format.stderr).toMatch(/encoding-format/)
  })

  it('an answer with a missing vector is an error, not a silent gap (exit 1)', async () => {
    nock(API)
      .post('/openai/v1/embeddings')
      .reply(200, {
        data: [{embedding: [1], index: 0, object: 'embedding'}],
        model: 'm',
        object: 'list',
        usage: {prompt_tokens: 1, total_tokens: 1},
      })
    const result = await run(Embed, ['a', 'b'], {env: env()})
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('Error: The API answered 1 embedding(s) for 2 input(s) (indices 0)\n')
  })
})
