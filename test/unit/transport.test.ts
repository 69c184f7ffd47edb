import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {Readable} from 'node:stream'
import {brotliCompressSync, deflateSync, gzipSync} from 'node:zlib'
import nock from 'nock'
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest'

import {closeConnections, createFetch, isReplayable, proxyFor, replayableBody} from '../../src/lib/http/transport.js'
import {fault, startFaultServer} from '../helpers/fault-server.js'

describe('proxyFor', () => {
  const proxy = 'http://proxy.local:3128'

  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, lower case first', () => {
    const env = {HTTPS_PROXY: proxy, http_proxy: 'http://other:1'}
    expect(proxyFor('https://api.groq.com/openai/v1/models', env)).toBe(proxy)
    expect(proxyFor('http://127.0.0.1:4010/x', env)).toBe('http://other:1')
    expect(proxyFor('https://api.groq.com/', {HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1'})).toBe(
      'http://lower:1',
    )
  })

  it('falls back to ALL_PROXY, and is undefined with no proxy set', () => {
    expect(proxyFor('https://api.groq.com/', {ALL_PROXY: 'socks5://s:1080'})).toBe('socks5://s:1080')
    expect(proxyFor('https://api.groq.com/', {})).toBeUndefined()
  })

  it.each([
    ['*', true],
    ['groq.com', true],
    ['.groq.com', true],
    ['*.groq.com', true],
    ['api.groq.com:443', true],
    ['api.groq.com:8443', false],
    ['example.com, api.groq.com', true],
    ['roq.com', false],
    ['', false],
  ])('NO_PROXY=%j bypasses api.groq.com: %s', (noProxy, bypass) => {
    expect(proxyFor('https://api.groq.com/x', {HTTPS_PROXY: proxy, NO_PROXY: noProxy})).toBe(bypass ? undefined : proxy)
  })
})

describe('createFetch (the node:http transport)', () => {
  async function server(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void) {
    const srv = createServer(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      handler(req, Buffer.concat(chunks), res)
    })
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
    return {
      close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
      srv,
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    }
  }

  it('sends a string body with content-length and reads json, status and headers', async () => {
    let seen: {body: string; headers: IncomingMessage['headers']; method?: string} | undefined
    const s = await server((req, body, res) => {
      seen = {body: body.toString(), headers: req.headers, method: req.method}
      res.writeHead(201, {'content-type': 'application/json', 'x-request-id': 'req_1'}).end('{"ok":true}')
    })
    try {
      const response = await createFetch({})(`${s.url}/x`, {
        body: '{"a":1}',
        headers: {'Content-Type': 'application/json'},
        method: 'POST',
      })
      expect(response.status).toBe(201)
      expect(response.ok).toBe(true)
      expect(response.headers.get('x-request-id')).toBe('req_1')
      expect(await response.json()).toEqual({ok: true})
      expect(seen).toMatchObject({body: '{"a":1}', method: 'POST'})
      expect(seen?.headers['content-length']).toBe('7')
      expect(seen?.headers['content-type']).toBe('application/json')
    } finally {
      s.srv.closeAllConnections()
      await s.close()
    }
  })

  it('streams a Readable body (an upload) chunk by chunk, without a content-length', async () => {
    let seen: {body: Buffer; headers: IncomingMessage['headers']} | undefined
    const s = await server((req, body, res) => {
      seen = {body, headers: req.headers}
      res.end('done')
    })
    try {
      const parts = Array.from({length: 50}, (_, index) => Buffer.alloc(64 * 1024, index))
      const response = await createFetch({})(`${s.url}/upload`, {body: Readable.from(parts), method: 'POST'})
      expect(await response.text()).toBe('done')
      expect(seen?.headers['transfer-encoding']).toBe('chunked')
      expect(seen?.headers['content-length']).toBeUndefined()
      expect(seen?.body.equals(Buffer.concat(parts))).toBe(true)
    } finally {
      s.srv.closeAllConnections()
      await s.close()
    }
  })

  it('serialises FormData as multipart with its boundary', async () => {
    let seen: {body: string; type?: string} | undefined
    const s = await server((req, body, res) => {
      seen = {body: body.toString(), type: req.headers['content-type']}
      res.end('{}')
    })
    try {
      const form = new FormData()
      form.append('purpose', 'batch')
      form.append('file', new Blob(['{"a":1}\n']), 'in.jsonl')
      await createFetch({})(`${s.url}/files`, {body: form, method: 'POST'})
      const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(seen?.type ?? '')?.[1]
      expect(boundary).toBeDefined()
      expect(seen?.body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n`)
      expect(seen?.body).toContain('filename="in.jsonl"')
      expect(seen?.body).toContain('{"a":1}\n')
    } finally {
      s.srv.closeAllConnections()
      await s.close()
    }
  })

  it('an abort signal stops a response mid-body with an AbortError', async () => {
    const s = await server((_req, _body, res) => {
      res.writeHead(200)
      res.write('first')
    })
    try {
      const controller = new AbortController()
      const response = await createFetch({})(`${s.url}/slow`, {signal: controller.signal})
      const reading = response.text()
      controller.abort()
      await expect(reading).rejects.toThrow(/aborted/)
    } finally {
      s.srv.closeAllConnections()
      await s.close()
    }
  })
})

describe('createFetch: fetch behaviour (issue 10 "transport as fetch") and freeing what is dropped (issue 9)', () => {
  // Real sockets: nock's interceptor (test/setup.ts) stands between node:http and the socket even for the
  // local hosts it lets through, with its own keep-alive and backpressure behaviour.
  beforeAll(() => nock.restore())
  afterAll(() => nock.activate())

  async function serve(routes: Parameters<typeof startFaultServer>[0]['routes']) {
    const server = await startFaultServer({routes})
    onTestFinished(() => server.close())
    return server
  }

  it('a body dropped with iterator.return() before reading (what groq-sdk does on a retry) frees its socket', async () => {
    const server = await serve({'GET /x': [fault.rateLimited(), fault.json(200, {ok: true})]})
    const transport = createFetch({})
    const limited = await transport(`${server.url}/x`)
    expect(limited.status).toBe(429)
    await limited.body[Symbol.asyncIterator]().return!()
    await new Promise((resolve) => setTimeout(resolve, 50)) // a retry waits at least this long
    const ok = await transport(`${server.url}/x`)
    expect(await ok.json()).toEqual({ok: true})
    // The first socket went back to the pool and served the second request.
    expect(server.requests.map((request) => request.connection)).toEqual([1, 1])
  })

  it('a body still arriving when dropped is destroyed, and closeConnections() ends what is left', async () => {
    const server = await serve({'GET /slow': fault.stallBody(200, {}, 'part'), 'GET /ok': fault.json(200, {})})
    const transport = createFetch({})
    const slow = await transport(`${server.url}/slow`)
    await slow.body[Symbol.asyncIterator]().return!()
    expect(slow.body.destroyed).toBe(true)
    await (await transport(`${server.url}/ok`)).json()
    expect(server.requests.map((request) => request.connection)).toEqual([1, 2])
    const kept = await transport(`${server.url}/slow`)
    closeConnections()
    await new Promise((resolve) => kept.body.once('close', resolve))
    expect(kept.body.destroyed).toBe(true)
  })

  it('binary bodies are a Node stream with status and headers (groq-sdk hands this response to speech/file content)', async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255])
    const server = await serve({'GET /bin': fault.reply(200, bytes, {'content-type': 'audio/wav'})})
    const response = await createFetch({})(`${server.url}/bin`, {headers: {accept: 'audio/wav'}, expect: undefined})
    expect(response.headers.get('content-type')).toBe('audio/wav')
    const chunks: Buffer[] = []
    for await (const chunk of response.body) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true)
    expect(response.bodyUsed).toBe(true)
  })

  it('decodes gzip, deflate and br (asking for them, as fetch does); an unknown coding is passed as is', async () => {
    const text = JSON.stringify({data: 'x'.repeat(5000)})
    const server = await serve({
      'GET /gzip': fault.reply(200, gzipSync(text), {'content-encoding': 'gzip', 'content-type': 'application/json'}),
      'GET /br': fault.reply(200, brotliCompressSync(text), {'content-encoding': 'br'}),
      'GET /deflate': fault.reply(200, deflateSync(text), {'content-encoding': 'deflate'}),
      'GET /odd': fault.reply(200, 'raw', {'content-encoding': 'x-unknown'}),
    })
    const transport = createFetch({})
    expect(await (await transport(`${server.url}/gzip`)).json()).toEqual(JSON.parse(text))
    expect(await (await transport(`${server.url}/br`)).text()).toBe(text)
    expect(await (await transport(`${server.url}/deflate`)).text()).toBe(text)
    expect(await (await transport(`${server.url}/odd`)).text()).toBe('raw')
    expect(server.requests[0].headers['accept-encoding']).toBe('gzip, deflate, br')
  })

  it('follows redirects as fetch does: 303/302-after-POST become GET, 307 keeps the body, Authorization stays on its origin', async () => {
    const other = await serve({'GET /there': fault.json(200, {where: 'other'})})
    const server = await serve({
      'POST /see-other': fault.reply(303, '', {location: '/landing'}),
      'GET /landing': fault.json(200, {landed: true}),
      'POST /temporary': fault.reply(307, '', {location: '/kept'}),
      'POST /kept': fault.custom((req, res, body) =>
        fault.json(200, {body: body.toString(), method: req.method})(req, res, body),
      ),
      'GET /away': fault.reply(302, '', {location: `${other.url}/there`}),
    })
    const transport = createFetch({})
    const post = {
      body: '{"a":1}',
      headers: {authorization: 'Bearer k', 'content-type': 'application/json'},
      method: 'POST',
    }
    const seeOther = await transport(`${server.url}/see-other`, post)
    expect(await seeOther.json()).toEqual({landed: true})
    expect(seeOther).toMatchObject({redirected: true, url: `${server.url}/landing`})
    expect(server.requests[1]).toMatchObject({method: 'GET', text: ''})
    expect(server.requests[1].headers['content-type']).toBeUndefined()
    expect(await (await transport(`${server.url}/temporary`, post)).json()).toEqual({body: '{"a":1}', method: 'POST'})
    expect(await (await transport(`${server.url}/away`, {headers: {authorization: 'Bearer k'}})).json()).toEqual({
      where: 'other',
    })
    expect(server.requests.find((request) => request.path === '/away')?.headers.authorization).toBe('Bearer k')
    expect(other.requests[0].headers.authorization).toBeUndefined()
  })

  it('a redirect loop stops after 20; redirect "manual" hands the 3xx back', async () => {
    const server = await serve({'GET /loop': fault.reply(302, '', {location: '/loop'})})
    await expect(createFetch({})(`${server.url}/loop`)).rejects.toThrow(/More than 20 redirects/)
    expect(server.requests).toHaveLength(21)
    const manual = await createFetch({})(`${server.url}/loop`, {redirect: 'manual'})
    expect(manual.status).toBe(302)
  })

  it('a ReplayableBody is sent with its Content-Length and can follow a 307; a one-shot stream cannot', async () => {
    const server = await serve({
      'PUT /a': fault.reply(307, '', {location: '/b'}),
      'PUT /b': fault.custom((req, res, body) =>
        fault.json(200, {length: req.headers['content-length'], text: body.toString()})(req, res, body),
      ),
    })
    const transport = createFetch({})
    const body = replayableBody(() => Readable.from([Buffer.from('hello '), Buffer.from('world')]), {length: 11})
    expect(isReplayable(body)).toBe(true)
    expect(await (await transport(`${server.url}/a`, {body, method: 'PUT'})).json()).toEqual({
      length: '11',
      text: 'hello world',
    })
    await expect(transport(`${server.url}/a`, {body: Readable.from(['x']), method: 'PUT'})).rejects.toThrow(
      'Cannot follow a 307 redirect with a streamed request body',
    )
  })

  it('the timeout counts time with no byte moving: a slow upload that keeps moving is not cut', async () => {
    const server = await serve({
      'POST /up': fault.custom((req, res, body) => fault.json(200, {size: body.length})(req, res, body)),
    })
    async function* slowly() {
      for (let index = 0; index < 6; index++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        yield Buffer.alloc(1000)
      }
    }
    const response = await createFetch({}, {timeoutMs: 150})(`${server.url}/up`, {
      body: Readable.from(slowly()),
      method: 'POST',
    })
    expect(await response.json()).toEqual({size: 6000})
  })

  it('time the reader spends not reading does not count; a server that stops sending does', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 97)
    const server = await serve({'GET /big': fault.reply(200, big), 'GET /stall': fault.stallBody(200, {}, 'x')})
    const transport = createFetch({}, {timeoutMs: 100})
    const response = await transport(`${server.url}/big`)
    await new Promise((resolve) => setTimeout(resolve, 300)) // the reader is busy elsewhere
    expect((await response.arrayBuffer()).byteLength).toBe(big.length)
    const stalled = await transport(`${server.url}/stall`)
    await expect(stalled.text()).rejects.toThrow(
      /^No data from http:\/\/127\.0\.0\.1:\d+ for 100 ms while reading the answer/,
    )
  })
})
