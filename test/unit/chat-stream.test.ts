import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {PassThrough, Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {TextBuilder} from '../../src/lib/chat/assemble.js'
import {readChatStream, StreamError} from '../../src/lib/chat/stream.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/chat/${name}`, import.meta.url))

const nodeBody = (pieces: Uint8Array[]) => Readable.from(pieces.map((piece) => Buffer.from(piece)))

/** `bytes` cut every `size` bytes: cuts fall inside JSON, inside "\n\n", inside multi-byte characters. */
function cut(bytes: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size))
  return pieces
}

async function collect(body: Parameters<typeof readChatStream>[0]) {
  let text = ''
  let thoughts = ''
  const chunks: string[] = []
  const result = await readChatStream(body, {
    onChunk: (data) => chunks.push(data),
    onDelta: (delta) => {
      text += delta
    },
    onReasoning: (delta) => {
      thoughts += delta
    },
  })
  return {chunks, completion: result.assembler.completion(), result, text, thoughts}
}

describe('readChatStream', () => {
  for (const name of ['basic', 'reasoning', 'tool-calls']) {
    it(`${name}: assembles exactly the non-streamed completion (same keys, same order), for bodies cut anywhere`, async () => {
      const sse = fixture(`${name}.sse`)
      const expected = fixture(`${name}.json`).toString('utf8')
      for (const size of [sse.length, 1, 2, 3, 7, 64, 300]) {
        for (const body of [nodeBody(cut(sse, size))]) {
          const {completion, result} = await collect(body)
          expect(result.interrupted).toBe(false)
          expect(JSON.stringify(completion, null, 2) + '\n').toBe(expected)
        }
      }
    })
  }

  it('hands over the answer text and the reasoning text, and each raw chunk', async () => {
    const basic = await collect(nodeBody([fixture('basic.sse')]))
    const expected = JSON.parse(fixture('basic.json').toString('utf8'))
    expect(basic.text).toBe(expected.choices[0].message.content)
    expect(basic.thoughts).toBe('')
    const lines = fixture('basic.sse')
      .toString('utf8')
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => event.slice(6))
    expect(basic.chunks).toEqual(lines)

    const reasoning = await collect(nodeBody([fixture('reasoning.sse')]))
    expect(reasoning.thoughts).toBe('The user asks whether 1009 is prime. Check divisors up to 31.')
    expect(reasoning.text).toBe('Yes, 1009 is prime.')
  })

  it('writes the deltas of one network read together (one onDelta per read), the first one at once', async () => {
    const sse = fixture('basic.sse').toString('utf8')
    const events = sse
      .split('\n\n')
      .filter(Boolean)
      .map((event) => event + '\n\n')
    const body = new PassThrough()
    const calls: string[] = []
    const reading = readChatStream(body, {onDelta: (text) => void calls.push(text)})
    // Events 0-3 in one "read" (synchronous 'data' events), then the rest in another.
    for (const event of events.slice(0, 4)) body.write(event)
    await new Promise((resolve) => setImmediate(resolve))
    for (const event of events.slice(4)) body.write(event)
    body.end()
    await reading
    // Event 0 is the role chunk (empty text); 1 is the first text, written at once; 2-3 together.
    expect(calls.slice(0, 2)).toEqual(['Fast', ' language models'])
    expect(calls.length).toBe(3)
  })

  it('waits for the writer when it asks (backpressure) and still delivers everything in order', async () => {
    let text = ''
    const result = await readChatStream(nodeBody(cut(fixture('basic.sse'), 40)), {
      onDelta: (delta) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            text += delta
            resolve()
          }, 1),
        ),
    })
    expect(result.interrupted).toBe(false)
    expect(text).toBe(JSON.parse(fixture('basic.json').toString('utf8')).choices[0].message.content)
  })

  it('an error event mid-stream is a StreamError (exit 1) with the message, after the partial text', async () => {
    for (const body of [nodeBody([fixture('error.sse')]), nodeBody(cut(fixture('error.sse'), 50))]) {
      let text = ''
      const error = await readChatStream(body, {onDelta: (delta) => void (text += delta)}).catch((error_) => error_)
      expect(error).toBeInstanceOf(StreamError)
      expect(error.exitCode).toBe(1)
      expect(error.message).toBe(
        'Stream error: Service Unavailable: the model is overloaded, please retry (internal_server_error, service_unavailable)',
      )
      expect(error.assembler.content).toBe('Partial answer')
    }
  })

  it('`event: error` and x_groq.error are errors too', async () => {
    const eventError = 'event: error\ndata: {"message":"boom","type":"server_error"}\n\n'
    await expect(readChatStream(nodeBody([Buffer.from(eventError)]))).rejects.toThrow(
      'Stream error: boom (server_error)',
    )
    const xGroq =
      'data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":null}],"x_groq":{"id":"r","error":"stream stopped: overloaded"}}\n\n'
    await expect(readChatStream(nodeBody([Buffer.from(xGroq)]))).rejects.toThrow(
      'Stream error: stream stopped: overloaded',
    )
  })

  it('a body that ends without [DONE] is a cut connection (exit 6)', async () => {
    const sse = fixture('basic.sse').toString('utf8').replace('data: [DONE]\n\n', '')
    for (const body of [nodeBody([Buffer.from(sse)])]) {
      const error = await readChatStream(body).catch((error_) => error_)
      expect(error).toBeInstanceOf(StreamError)
      expect(error.exitCode).toBe(6)
      expect(error.message).toBe(
        'The connection closed before the answer was complete (no [DONE] at the end of the stream)',
      )
    }
  })

  it('a socket error mid-stream is a cut connection (exit 6) naming the cause', async () => {
    const body = new PassThrough()
    const reading = readChatStream(body)
    body.write(fixture('error.sse').subarray(0, 400))
    const reset = Object.assign(new Error('read ECONNRESET'), {code: 'ECONNRESET'})
    body.destroy(reset)
    const error = await reading.catch((error_) => error_)
    expect(error.exitCode).toBe(6)
    expect(error.message).toBe('The connection was cut while streaming the answer (ECONNRESET)')
  })

  it('no byte for idleTimeoutMs is a network error (exit 6)', async () => {
    const body = new PassThrough()
    body.write('data: {"id":"c","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n')
    const error = await readChatStream(body, {idleTimeoutMs: 30}).catch((error_) => error_)
    expect(error.exitCode).toBe(6)
    expect(error.message).toBe('No data for 30 ms while streaming the answer (raise --timeout?)')
  })

  it('an abort (Ctrl-C) returns interrupted with the partial answer', async () => {
    const controller = new AbortController()
    const body = new PassThrough()
    const reading = readChatStream(body, {signal: controller.signal})
    body.write(fixture('error.sse').subarray(0, 700))
    await new Promise((resolve) => setImmediate(resolve))
    controller.abort()
    body.destroy(new DOMException('This operation was aborted', 'AbortError'))
    const result = await reading
    expect(result.interrupted).toBe(true)
    expect(result.assembler.content).toBe('Partial')
  })

  it('a chunk that is not JSON is an error naming it', async () => {
    await expect(readChatStream(nodeBody([Buffer.from('data: {oops\n\n')]))).rejects.toThrow(
      'The stream sent a chunk that is not JSON: {oops',
    )
  })
})

describe('keepText: false (a one-shot answer written out as it came, not saved)', () => {
  for (const name of ['basic', 'reasoning', 'tool-calls']) {
    it(`${name}: the text is still delivered; the completion is the same but for choice 0's content and reasoning`, async () => {
      const expected = JSON.parse(fixture(`${name}.json`).toString('utf8'))
      let text = ''
      let thoughts = ''
      const result = await readChatStream(nodeBody(cut(fixture(`${name}.sse`), 7)), {
        keepText: false,
        onDelta: (delta) => void (text += delta),
        onReasoning: (delta) => void (thoughts += delta),
      })
      const message = expected.choices[0].message
      expect(text).toBe(message.content ?? '')
      expect(thoughts).toBe(message.reasoning ?? '')
      const {reasoning: _reasoning, ...rest} = message
      expect(result.assembler.completion()).toEqual({
        ...expected,
        choices: [{...expected.choices[0], message: {...rest, content: null}}, ...expected.choices.slice(1)],
      })
    })
  }
})

describe('holding the young generation (streaming memory)', () => {
  it('stops V8 growing its young generation, prints nothing, and leaves code caches valid', () => {
    // In a child: the flag is the process's own. Code cached before is accepted after; survivors no longer grow
    // the young generation (without the call it grows to 16 MB semi-spaces here).
    const module = fileURLToPath(new URL('../../src/lib/chat/stream.ts', import.meta.url))
    const script = (hold: boolean) => `
      import v8 from 'node:v8'
      import vm from 'node:vm'
      const source = 'function f(a) { return a + 1 }; f(2)'
      const cached = new vm.Script(source, {filename: 'x.js'}).createCachedData()
      const young = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size
      const before = young()
      ${hold ? `const {holdYoungGeneration} = await import(${JSON.stringify(module)}); holdYoungGeneration()` : ''}
      let kept = []
      for (let i = 0; i < 1e6; i++) {
        kept.push({i, text: 'x' + i})
        if (kept.length > 5000) kept = []
      }
      const rejected = new vm.Script(source, {filename: 'x.js', cachedData: cached}).cachedDataRejected
      console.log(JSON.stringify({after: young(), before, rejected}))
    `
    const run = (hold: boolean) => {
      const loader = hold ? ['--import', 'tsx'] : [] // the control run needs none of our code
      const child = spawnSync(process.execPath, [...loader, '--input-type=module', '-e', script(hold)], {
        encoding: 'utf8',
      })
      expect(child.status, child.stderr).toBe(0)
      return {stderr: child.stderr, ...(JSON.parse(child.stdout) as {after: number; before: number; rejected: boolean})}
    }
    const held = run(true)
    expect(held).toEqual({after: held.before, before: held.before, rejected: false, stderr: ''})
    const grown = run(false)
    expect(grown.after).toBeGreaterThan(grown.before)
  })
})

describe('TextBuilder (the answer, kept once and flat)', () => {
  it('gives back exactly what was appended, across its 16 K joins, before and after reading it', () => {
    const builder = new TextBuilder()
    let expected = ''
    for (let index = 0; index < 20_000; index++) {
      const piece = index % 7 === 0 ? ' naïve ✓' : ` word${index}`
      builder.append(piece)
      expected += piece
      if (index === 9_999) expect(builder.toString()).toBe(expected)
    }
    expect(builder.toString()).toBe(expected)
    expect(new TextBuilder().toString()).toBe('')
  })

  it('keeps pieces of every size across its 64 KiB buffers, and pieces larger than one', () => {
    const builder = new TextBuilder()
    const pieces = ['a'.repeat(65_530), '日本語', 'é'.repeat(40_000), 'z'.repeat(200_000), '', '✓ done']
    for (const piece of pieces) builder.append(piece)
    expect(builder.toString()).toBe(pieces.join(''))
  })

  it('a surrogate pair split between two pieces is joined; a lone surrogate is kept as it came', () => {
    const emoji = '😀' // \ud83d\ude00
    const split = new TextBuilder()
    for (const piece of ['a', emoji[0], emoji[1] + 'b', emoji[0]]) split.append(piece)
    expect(split.toString()).toBe('a' + emoji + 'b' + emoji[0]) // the last half waits, and is kept as it is

    const lone = new TextBuilder()
    const pieces = ['before ', '\udc00', ' after ', emoji, '\ud800x']
    for (const piece of pieces) lone.append(piece)
    expect(lone.toString()).toBe(pieces.join(''))
  })
})
