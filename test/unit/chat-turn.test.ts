import Groq from 'groq-sdk'
import {readFileSync} from 'node:fs'
import {createServer} from 'node:http'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import {createSendTurn} from '../../src/lib/chat/turn.js'
import {createFetch} from '../../src/lib/http/transport.js'
import {API, KEY} from '../helpers/fixtures.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/chat/${name}`, import.meta.url), 'utf8')
const client = (baseURL = API) => new Groq({apiKey: KEY, baseURL, maxRetries: 0})
/** groq-sdk on our transport, as the CLI builds it (src/lib/http/client.ts): its stream body is a Node stream. */
const ourClient = () => new Groq({apiKey: KEY, baseURL: API, fetch: createFetch({}) as never, maxRetries: 0})
const request = {model: 'llama-3.3-70b-versatile', messages: [{role: 'user' as const, content: 'hi'}]}

describe('createSendTurn (the SendTurn the REPL uses)', () => {
  for (const transport of ['node', 'fetch'] as const) {
    it(`streams: deltas to onDelta, the completion, the history message, usage and timing (${transport} transport)`, async () => {
      nock(API)
        .post('/openai/v1/chat/completions')
        .reply(200, fixture('basic.sse'), {'content-type': 'text/event-stream'})
      let text = ''
      const result = await createSendTurn(transport === 'node' ? ourClient() : client())(request, {
        onDelta: (delta) => void (text += delta),
        signal: new AbortController().signal,
        stream: true,
      })
      const expected = JSON.parse(fixture('basic.json'))
      expect(text).toBe(expected.choices[0].message.content)
      expect(result.completion).toEqual(expected)
      expect(result.message).toEqual({role: 'assistant', content: expected.choices[0].message.content})
      expect(result.usage).toEqual(expected.usage)
      expect(result.interrupted).toBe(false)
      expect(result.timing?.firstDeltaMs).toBeGreaterThanOrEqual(0)
      expect(result.timing!.totalMs).toBeGreaterThanOrEqual(result.timing!.firstDeltaMs!)
    })
  }

  it('without streaming: one onDelta with the whole answer, reasoning to onReasoning', async () => {
    nock(API)
      .post('/openai/v1/chat/completions')
      .reply(200, fixture('reasoning.json'), {'content-type': 'application/json'})
    const deltas: string[] = []
    const thoughts: string[] = []
    const result = await createSendTurn(client())(request, {
      onDelta: (delta) => void deltas.push(delta),
      onReasoning: (delta) => void thoughts.push(delta),
      signal: new AbortController().signal,
      stream: false,
    })
    expect(deltas).toEqual(['Yes, 1009 is prime.'])
    expect(thoughts).toEqual(['The user asks whether 1009 is prime. Check divisors up to 31.'])
    expect(result.completion).toEqual(JSON.parse(fixture('reasoning.json')))
  })

  it('tool calls are kept in the history message', async () => {
    nock(API)
      .post('/openai/v1/chat/completions')
      .reply(200, fixture('tool-calls.sse'), {'content-type': 'text/event-stream'})
    const result = await createSendTurn(client())(request, {
      onDelta: () => {},
      signal: new AbortController().signal,
      stream: true,
    })
    expect(result.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: JSON.parse(fixture('tool-calls.json')).choices[0].message.tool_calls,
    })
  })

  it('an abort mid-stream (Ctrl-C in the REPL) returns interrupted with the partial answer', async () => {
    const events = fixture('basic.sse').split('\n\n')
    const server = createServer((req, response) => {
      req.resume()
      req.on('end', () => {
        response.writeHead(200, {'content-type': 'text/event-stream'})
        response.write(events.slice(0, 3).join('\n\n') + '\n\n') // role chunk, "Fast", " language"; then silence
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as {port: number}
    const controller = new AbortController()
    let text = ''
    const result = await createSendTurn(client(`http://127.0.0.1:${port}`))(request, {
      onDelta(delta) {
        text += delta
        if (text === 'Fast language') setTimeout(() => controller.abort(), 10)
      },
      signal: controller.signal,
      stream: true,
    })
    server.closeAllConnections()
    server.close()
    expect(result.interrupted).toBe(true)
    expect(result.message).toEqual({role: 'assistant', content: 'Fast language'})
  })

  it('an abort before the answer starts is interrupted too (nothing to keep)', async () => {
    const controller = new AbortController()
    controller.abort()
    const result = await createSendTurn(client())(request, {onDelta: () => {}, signal: controller.signal, stream: true})
    expect(result.interrupted).toBe(true)
    expect(result.message).toEqual({role: 'assistant', content: ''})
  })
})
