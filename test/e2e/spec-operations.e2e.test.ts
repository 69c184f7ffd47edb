/**
 * Walks Groq's OpenAPI spec: for each operation, runs the command test/helpers/spec-operations.ts maps it to, through
 * the built CLI, against Prism with a recording proxy in front. Each run exits 0, sends that operation's method to a
 * path of its template, and Prism answers it 2xx (the request passed validation against the spec). An operation
 * added to the spec without a command, or a command that stops calling its operation, fails here.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, inject, it} from 'vitest'

import {wavFile} from '../helpers/audio.js'
import {runCli, startServer} from '../helpers/cli.js'
import {readSpec} from '../helpers/contract.js'
import {argvFor, CALL_FOR_OPERATION, pathMatches, specOperations} from '../helpers/spec-operations.js'

const prismURL = inject('prismURL')
const KEY = 'gsk_e2e_0123456789'
const spec = prismURL ? readSpec() : undefined
// Contract tests: skipped when Groq's spec is missing outside CI (test/helpers/spec.ts).
const withPrism = describe.skipIf(!prismURL)

const dir = mkdtempSync(join(tmpdir(), 'groq-e2e-operations-'))
writeFileSync(
  join(dir, 'requests.jsonl'),
  JSON.stringify({
    body: {messages: [{content: 'hi', role: 'user'}], model: 'llama-3.1-8b-instant'},
    custom_id: 'r1',
    method: 'POST',
    url: '/v1/chat/completions',
  }) + '\n',
)
wavFile(join(dir, 'tone.wav'), {seconds: 0.5})
afterAll(() => rmSync(dir, {force: true, recursive: true}))

withPrism.concurrent('every operation of the spec, called by its command', () => {
  const operations = spec ? specOperations(spec) : []

  it('the spec has 23 operations, each with a command', () => {
    expect(operations).toHaveLength(23)
    expect(
      operations.filter((operation) => !CALL_FOR_OPERATION[operation.id]).map((operation) => operation.id),
    ).toEqual([])
  })

  for (const operation of operations) {
    const call = CALL_FOR_OPERATION[operation.id]
    if (!call) continue
    const argv = argvFor(call, dir)
    it(`${operation.id} (${operation.method} ${operation.path}): groq ${argv.join(' ').replaceAll(dir, 'DIR')}`, async ({
      expect,
      onTestFinished,
    }) => {
      const proxy = await startServer({proxy: prismURL})
      onTestFinished(() => proxy.close())
      const result = await runCli(argv, {env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: proxy.url}})
      expect(result, result.stderr).toMatchObject({exitCode: 0})
      const sent = proxy.requests.filter(
        (request) => request.method === operation.method && pathMatches(operation.path, request.path),
      )
      expect(
        sent,
        `${operation.method} ${operation.path} among ${proxy.requests.map((r) => `${r.method} ${r.path}`)}`,
      ).toHaveLength(1)
      expect(sent[0].response?.status, sent[0].response?.body).toBeGreaterThanOrEqual(200)
      expect(sent[0].response?.status, sent[0].response?.body).toBeLessThan(300)
    })
  }
})
