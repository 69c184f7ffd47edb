import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {streamLines, validateBatchFile} from '../../src/lib/batches/jsonl.js'
import {tempHome} from '../helpers/run.js'

async function* chunks(...parts: (Buffer | string)[]) {
  yield* parts
}

async function collect(stream: AsyncIterable<Buffer | string>): Promise<string[]> {
  const lines: string[] = []
  for await (const line of streamLines(stream)) lines.push(line)
  return lines
}

describe('streamLines', () => {
  it('splits across chunk boundaries, drops LF and CRLF ends, keeps a last line without one', async () => {
    expect(await collect(chunks('a\r', '\nb', 'c\n\nd'))).toEqual(['a', 'bc', '', 'd'])
    expect(await collect(chunks('x\n'))).toEqual(['x'])
  })

  it('decodes a character split between two Buffers once', async () => {
    const bytes = Buffer.from('é€\n')
    expect(await collect(chunks(bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)))).toEqual(['é€'])
  })
})

describe('validateBatchFile', () => {
  const request = (id: string) =>
    JSON.stringify({
      body: {messages: [{content: 'hi', role: 'user'}], model: 'm'},
      custom_id: id,
      method: 'POST',
      url: '/v1/chat/completions',
    })

  it('a blank line before a request is a problem at its own line; trailing blank lines and CRLF are not', async () => {
    const path = join(tempHome().root, 'requests.jsonl')
    writeFileSync(path, `${request('a')}\r\n  \r\n${request('b')}\r\n\r\n \n`)
    expect(await validateBatchFile(path, 'requests.jsonl')).toEqual({
      lines: 2,
      problemCount: 1,
      problems: ['requests.jsonl:2: empty line'],
      url: '/v1/chat/completions',
    })
  })
})
