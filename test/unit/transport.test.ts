import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {createFetch, proxyFor} from '../../src/lib/http/transport.js'

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
