import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Rerank from '../../src/commands/rerank.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

const LONG = 'Deep learning uses neural networks with many layers, trained on large amounts of data to find patterns'
const RESULTS = {
  results: [
    {doc: 'Machine learning is a subset of AI', score: 0.92},
    {doc: LONG, score: 0.87},
    {doc: 'The weather is nice today', score: 0.23},
  ],
}
const DOCS = ['Machine learning is a subset of AI', 'The weather is nice today', LONG]

describe('rerank', () => {
  it('sends query, docs and model, and prints rank, score and document as tab-separated rows when piped', async () => {
    const scope = nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .post('/openai/v1/reranking', {docs: DOCS, model: 'qwen3-reranker-4b', query: 'artificial intelligence'})
      .reply(200, RESULTS)
    const result = await run(Rerank, ['--query', 'artificial intelligence', ...DOCS], {env: env()})
    expect(scope.isDone()).toBe(true)
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: `1\t0.92\tMachine learning is a subset of AI\n2\t0.87\t${LONG}\n3\t0.23\tThe weather is nice today\n`,
    })
  })

  it('a table on a TTY cuts long documents', async () => {
    nock(API).post('/openai/v1/reranking').reply(200, RESULTS)
    const result = await run(Rerank, ['--query', 'ai', '--no-color', ...DOCS], {env: env(), stdoutTTY: true})
    expect(result.stdout).toBe(
      [
        'RANK  SCORE  DOCUMENT',
        '1     0.92   Machine learning is a subset of AI',
        `2     0.87   ${LONG.slice(0, 79)}…`,
        '3     0.23   The weather is nice today',
        '',
      ].join('\n'),
    )
  })

  it('--json prints the API object unchanged; --top N keeps the best N (in --json too); -o ndjson one per line', async () => {
    nock(API).post('/openai/v1/reranking').reply(200, RESULTS)
    expect((await run(Rerank, ['--query', 'ai', '--json', ...DOCS], {env: env()})).stdout).toBe(
      JSON.stringify(RESULTS) + '\n',
    )
    nock(API).post('/openai/v1/reranking').reply(200, RESULTS)
    const top = await run(Rerank, ['--query', 'ai', '--json', '--top', '1', ...DOCS], {env: env()})
    expect(JSON.parse(top.stdout)).toEqual({results: [RESULTS.results[0]]})
    nock(API).post('/openai/v1/reranking').reply(200, RESULTS)
    const ndjson = await run(Rerank, ['--query', 'ai', '-o', 'ndjson', '--top', '2', ...DOCS], {env: env()})
    expect(ndjson.stdout).toBe(
      '{"doc":"Machine learning is a subset of AI","score":0.92,"rank":1}\n' +
        `{"doc":"${LONG}","score":0.87,"rank":2}\n`,
    )
  })

  it('reads documents from stdin lines or --docs-file; --instruction and --model are sent', async () => {
    nock(API)
      .post('/openai/v1/reranking', {docs: ['a', 'b'], instruction: 'be strict', model: 'r1', query: 'q'})
      .reply(200, {results: [{doc: 'b', score: 0.5}]})
    const piped = await run(Rerank, ['--query', 'q', '-m', 'r1', '--instruction', 'be strict'], {
      env: env(),
      stdin: 'a\nb\n',
    })
    expect(piped.stdout).toBe('1\t0.5\tb\n')

    const home = tempHome()
    const file = join(home.root, 'docs.txt')
    writeFileSync(file, 'one\ntwo\n')
    nock(API)
      .post('/openai/v1/reranking', {docs: ['one', 'two'], model: 'qwen3-reranker-4b', query: 'q'})
      .reply(200, {
        results: [
          {doc: 'two', score: 0.75},
          {doc: 'one', score: 0.25},
        ],
      })
    const fromFile = await run(Rerank, ['--query', 'q', '--docs-file', file], {env: {...home.env, GROQ_API_KEY: KEY}})
    expect(fromFile.stdout).toBe('1\t0.75\ttwo\n2\t0.25\tone\n')
  })

  it('refuses, before any request (exit 2): an empty document, over 100, an empty query, no documents', async () => {
    const home = tempHome()
    const file = join(home.root, 'docs.txt')
    writeFileSync(file, 'one\n\nthree\n')
    const cases: Array<[string[], string | undefined, string]> = [
      [
        ['--query', 'q', '--docs-file', file],
        undefined,
        `Error: ${file}:2 is empty: the API refuses empty documents\n`,
      ],
      [['--query', 'q', 'a', ''], undefined, 'Error: DOC 2 is empty: the API refuses empty documents\n'],
      [
        ['--query', 'q'],
        Array.from({length: 101}, (_, index) => `doc ${index}`).join('\n'),
        'Error: 101 documents: the API ranks at most 100 per request\n',
      ],
      [['--query', ' ', 'a'], undefined, 'Error: --query: must not be empty\n'],
      [['--query', 'q'], '', 'Error: No documents to rank: give DOC arguments, --docs-file, or pipe one per line\n'],
      [
        ['--query', 'q', '--docs-file', join(home.root, 'missing.txt')],
        undefined,
        `Error: --docs-file: cannot read ${join(home.root, 'missing.txt')} (no such file)\n`,
      ],
    ]
    for (const [argv, stdin, stderr] of cases) {
      const result = await run(Rerank, argv, {env: {...home.env, GROQ_API_KEY: KEY}, stdin})
      expect({exitCode: result.exitCode, stderr: result.stderr, stdout: result.stdout}).toEqual({
        exitCode: 2,
        stderr,
        stdout: '',
      })
    }
    const noQuery = await run(Rerank, ['a'], {env: env()})
    expect(noQuery.exitCode).toBe(2)
    expect(noQuery.stderr).toMatch(/query/)
  })
})
