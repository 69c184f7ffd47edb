import {spawnSync} from 'node:child_process'
import {closeSync, openSync, writeFileSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {FileCustomIds, streamLines, validateBatchFile} from '../../src/lib/batches/jsonl.js'
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

  const file = (content: Buffer | string) => {
    const path = join(tempHome().root, 'requests.jsonl')
    writeFileSync(path, content)
    return path
  }

  it('finds a duplicate custom_id exactly, across reads (4 MiB) and after the id table grew, in line order', async () => {
    // 4.5 MB of short lines: more ids than the table was sized for (it grows at ~39,000), and lines across every
    // 64 KiB and the 4 MiB read boundary; the duplicates point back to lines read long before.
    const lines = Array.from({length: 40_000}, (_, index) => request(`r${index}`))
    lines[20_000] = request('r7')
    lines[39_999] = request('r29999')
    lines[30_000] = '{"custom_id": "broken"'
    const content = lines.join('\n') + '\n'
    expect(content.length).toBeGreaterThan(4 << 20)
    const report = await validateBatchFile(file(content), 'f.jsonl')
    expect(report.lines).toBe(40_000)
    expect(report.problems).toEqual([
      'f.jsonl:20001: custom_id: "r7" is used by an earlier line (must be unique)',
      `f.jsonl:30001: not valid JSON (${jsonError('{"custom_id": "broken"')})`,
      'f.jsonl:40000: custom_id: "r29999" is used by an earlier line (must be unique)',
    ])
  })

  it('reads a line longer than the read buffer, and CRLF lines after it, with their line numbers', async () => {
    const long = JSON.stringify({
      body: {messages: [{content: 'x'.repeat(4.5 * 2 ** 20), role: 'user'}], model: 'm'},
      custom_id: 'long',
      method: 'POST',
      url: '/v1/chat/completions',
    })
    const path = file(`${request('a')}\r\n${long}\r\n${request('b')}\r\n${request('long')}\r\n[]`)
    expect(await validateBatchFile(path, 'f.jsonl')).toEqual({
      lines: 5,
      problemCount: 2,
      problems: [
        'f.jsonl:4: custom_id: "long" is used by an earlier line (must be unique)',
        'f.jsonl:5: not a JSON object',
      ],
      url: '/v1/chat/completions',
    })
  })

  it('drops a BOM at the start, and compares non-ASCII ids exactly', async () => {
    const path = file(
      `\uFEFF${request('é')}\n${request('e')}\n${request('€')}\n${request('é')}\n${request('\uFEFFé')}\n`,
    )
    expect((await validateBatchFile(path, 'f.jsonl')).problems).toEqual([
      'f.jsonl:4: custom_id: "é" is used by an earlier line (must be unique)',
    ])
  })

  it('decodes invalid UTF-8 as the TextDecoder does: U+FFFD in an id (so two such ids are the same), else not JSON', async () => {
    const [before, after] = request('@').split('@')
    const line = (id: Buffer) => Buffer.concat([Buffer.from(before), id, Buffer.from(after)])
    const bad = Buffer.from([0x7b, 0xff, 0x7d]) // {\xff}
    const content = Buffer.concat([
      line(Buffer.from([0xff])),
      Buffer.from('\n'),
      line(Buffer.from([0xc3])), // a lead byte with nothing after it
      Buffer.from('\n'),
      bad,
      Buffer.from('\n'),
    ])
    const decoded = new TextDecoder().decode(content).split('\n')
    expect((JSON.parse(decoded[0]) as {custom_id: string}).custom_id).toBe('\uFFFD')
    expect((await validateBatchFile(file(content), 'f.jsonl')).problems).toEqual([
      'f.jsonl:2: custom_id: "\uFFFD" is used by an earlier line (must be unique)',
      `f.jsonl:3: not valid JSON (${jsonError(decoded[2])})`,
    ])
  })

  it('validates a pipe (ids kept as strings, since it cannot be read twice)', async () => {
    const path = join(tempHome().root, 'fifo.jsonl')
    expect(spawnSync('mkfifo', [path]).status).toBe(0)
    const writing = writeFile(path, `${request('a')}\n${request('b')}\n${request('a')}\n`)
    const report = await validateBatchFile(path, 'p.jsonl')
    await writing
    expect(report.problems).toEqual(['p.jsonl:3: custom_id: "a" is used by an earlier line (must be unique)'])
  })
})

describe('FileCustomIds', () => {
  it('an id whose hashes match an earlier one is a duplicate only if the earlier line holds the same id', () => {
    const path = join(tempHome().root, 'ids.jsonl')
    writeFileSync(path, '{"custom_id":"x"}\n{"custom_id":"y"}')
    const fd = openSync(path, 'r')
    try {
      const ids = new FileCustomIds(fd)
      expect(ids.addIfNew('x', 0)).toBe(true)
      expect(ids.addIfNew('x', 18)).toBe(false) // the line at 0 holds "x"
      // The same hashes, but the line recorded for this one (offset 18) holds "y": not the same id.
      expect(ids.addIfNew('y', 18)).toBe(true)
      expect(ids.addIfNew('z', 18)).toBe(true)
      expect(ids.addIfNew('z', 18)).toBe(true)
    } finally {
      closeSync(fd)
    }
  })
})

const jsonError = (text: string): string => {
  try {
    JSON.parse(text)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${text} is valid JSON`)
}
