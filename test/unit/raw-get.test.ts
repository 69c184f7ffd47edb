/**
 * The download reader (src/lib/http/raw-get.ts): one GET on a connection of its own, its answer framed by
 * Content-Length, chunked coding or the close, read as a stream of copies or written straight to a file. The
 * servers here are plain sockets writing the answer byte for byte, in small pieces, so that every boundary (inside
 * the head's blank line, a chunk size, a chunk's CRLF) falls between two reads somewhere.
 */
import {randomBytes} from 'node:crypto'
import {closeSync, mkdtempSync, openSync, readdirSync, readFileSync} from 'node:fs'
import {createServer as createHttpServer} from 'node:http'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'
import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {describeError} from '../../src/lib/core/errors.js'
import type {IO} from '../../src/lib/core/io.js'
import {RawRequest, RawResponse} from '../../src/lib/http/raw-get.js'
import {createFetch} from '../../src/lib/http/transport.js'
import {resolveSink, saveResponse} from '../../src/lib/transfer/index.js'

// Real sockets: the test setup's nock is taken away (as in the fault suites); one test puts it back.
beforeAll(() => nock.restore())
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
})

interface Served {
  url: string
  /** Each request head received, as text. */
  heads: string[]
  connections: number
}

/** A server that reads a request head, then writes `answer` in pieces of `piece` bytes, a tick apart. */
async function serve(answer: Buffer | string, {end = true, piece = 7} = {}): Promise<Served> {
  const served: Served = {connections: 0, heads: [], url: ''}
  const bytes = Buffer.from(answer)
  const server = createServer((socket: Socket) => {
    served.connections++
    socket.setNoDelay(true)
    let head = ''
    socket.on('error', () => {})
    socket.on('data', async (data) => {
      if (head.includes('\r\n\r\n')) return
      head += data.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      served.heads.push(head)
      for (let at = 0; at < bytes.length; at += piece) {
        if (socket.destroyed) return
        socket.write(bytes.subarray(at, at + piece))
        await new Promise((tick) => setImmediate(tick))
      }
      if (end) socket.end()
    })
  })
  servers.push(server)
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const address = server.address() as {port: number}
  served.url = `http://127.0.0.1:${address.port}`
  return served
}

function request(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = new RawRequest(new URL(url), headers)
    req.on('response', resolve)
    req.on('error', reject)
  })
}

async function readAll(response: RawResponse): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of response) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function writeAll(response: RawResponse): Promise<{bytes: Buffer; reported: number}> {
  const path = join(mkdtempSync(join(tmpdir(), 'groq-raw-')), 'body')
  const fd = openSync(path, 'w')
  let reported = 0
  try {
    await response.writeBodyTo(fd, (length) => (reported += length))
  } finally {
    closeSync(fd)
  }
  return {bytes: readFileSync(path), reported}
}

const BODY = randomBytes(3000)
const chunked = (pieces: Buffer[], trailer = '') =>
  Buffer.concat([
    ...pieces.flatMap((piece, index) => [
      Buffer.from(`${piece.length.toString(16)}${index === 0 ? ';ext=1' : ''}\r\n`),
      piece,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`0\r\n${trailer}\r\n`),
  ])

describe('raw GET', () => {
  it('sends one GET with the given headers and connection: close', async () => {
    const served = await serve('HTTP/1.1 204 No Content\r\n\r\n')
    const response = await request(`${served.url}/openai/v1/files/file_1/content?x=1`, {
      accept: '*/*',
      authorization: 'Bearer gsk_test',
    })
    expect(response.statusCode).toBe(204)
    expect(await readAll(response)).toEqual(Buffer.alloc(0))
    const port = new URL(served.url).port
    expect(served.heads).toEqual([
      `GET /openai/v1/files/file_1/content?x=1 HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\naccept: */*\r\n` +
        'authorization: Bearer gsk_test\r\nconnection: close\r\n\r\n',
    ])
  })

  it('a header value with a line break is refused before any connection', async () => {
    const served = await serve('HTTP/1.1 200 OK\r\n\r\n')
    expect(() => new RawRequest(new URL(served.url), {'x-a': 'b\r\nx-injected: 1'})).toThrow(
      'Invalid character in header "x-a"',
    )
    await new Promise((later) => setTimeout(later, 20))
    expect(served.connections).toBe(0)
  })

  const answers = {
    'Content-Length': Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${BODY.length}\r\n\r\n`), BODY]),
    chunked: Buffer.concat([
      Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'),
      chunked([BODY.subarray(0, 1000), BODY.subarray(1000, 1001), BODY.subarray(1001)], 'x-checksum: 1\r\n'),
    ]),
    'the close': Buffer.concat([
      Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n'),
      BODY,
    ]),
    'an interim 100 first': Buffer.concat([
      Buffer.from(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n`),
      BODY,
    ]),
  }

  for (const [framing, answer] of Object.entries(answers)) {
    for (const piece of [1, 7, 100_000]) {
      it(`a body framed by ${framing}, arriving ${piece === 1 ? 'byte by byte' : `in pieces of ${piece}`}: read and written whole`, async () => {
        const served = await serve(answer, {piece})
        const streamed = await request(served.url)
        expect(streamed.statusCode).toBe(200)
        expect(await readAll(streamed)).toEqual(BODY)
        const written = await writeAll(await request(served.url))
        expect(written.bytes).toEqual(BODY)
        expect(written.reported).toBe(BODY.length)
      })
    }
  }

  it('the head: status, message, headers (repeated ones joined), raw headers in order', async () => {
    const served = await serve('HTTP/1.1 404 Not Found\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 2\r\n\r\n{}')
    const response = await request(served.url)
    expect([response.statusCode, response.statusMessage]).toEqual([404, 'Not Found'])
    expect(response.headers).toEqual({'content-length': '2', 'x-a': '1, 2'})
    expect(response.rawHeaders).toEqual(['X-A', '1', 'x-a', '2', 'Content-Length', '2'])
    expect((await readAll(response)).toString()).toBe('{}')
  })

  it('a body cut short fails as Node http does (aborted, ECONNRESET), read either way', async () => {
    const cut = `HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(10)}`
    const streamed = await request((await serve(cut)).url)
    await expect(readAll(streamed)).rejects.toMatchObject({code: 'ECONNRESET', message: 'aborted'})
    const written = await request((await serve(cut)).url)
    await expect(writeAll(written)).rejects.toMatchObject({code: 'ECONNRESET', message: 'aborted'})
  })

  it('a body cut before anyone reads it: its reader learns of it (as Node http, nothing is read before)', async () => {
    const response = await request((await serve('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nxx')).url)
    await new Promise((later) => setTimeout(later, 50))
    await expect(writeAll(response)).rejects.toMatchObject({code: 'ECONNRESET', message: 'aborted'})
  })

  it('malformed answers fail: a bad chunk size, a bad status line, no answer at all', async () => {
    const badChunk = await request((await serve('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).url)
    await expect(readAll(badChunk)).rejects.toThrow('Malformed chunked answer')
    await expect(request((await serve('SSH-2.0-OpenSSH\r\n\r\n')).url)).rejects.toThrow(
      'Malformed answer: not HTTP/1.1',
    )
    await expect(request((await serve('')).url)).rejects.toMatchObject({code: 'ECONNRESET', message: 'socket hang up'})
  })

  it('a refused connection fails with its code', async () => {
    const served = await serve('')
    await new Promise((done) => servers.pop()!.close(done))
    await expect(request(served.url)).rejects.toMatchObject({code: 'ECONNREFUSED'})
  })

  it('a reader that is slow stops the reading (backpressure), and nothing is lost', async () => {
    const big = randomBytes(8 << 20)
    const served = await serve(
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`), big]),
      {piece: 1 << 20},
    )
    const response = await request(served.url)
    await new Promise((later) => setTimeout(later, 100))
    // Nothing past the head is read before a reader comes: at most what came with it.
    expect(response.readableLength).toBe(0)
    const chunks: Buffer[] = []
    for await (const chunk of response) {
      chunks.push(chunk as Buffer)
      expect(response.readableLength).toBeLessThanOrEqual(2 << 20)
      await new Promise((later) => setTimeout(later, 1))
    }
    expect(Buffer.concat(chunks).equals(big)).toBe(true)
  })
})

describe('the transport takes it for downloads', () => {
  const io = () => ({stderr: new PassThrough(), stdout: new PassThrough()}) as unknown as IO

  async function httpServer(handler: Parameters<typeof createHttpServer>[1]) {
    const server = createHttpServer(handler)
    servers.push(server as unknown as Server)
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
    return `http://127.0.0.1:${(server.address() as {port: number}).port}`
  }

  it('a GET marked download: a raw answer, written to the file; redirects are still followed', async () => {
    const seen: string[] = []
    const base = await httpServer((req, res) => {
      seen.push(`${req.url} ${req.headers.connection}`)
      if (req.url === '/old') res.writeHead(302, {location: '/new'}).end()
      else res.writeHead(200, {'content-length': String(BODY.length)}).end(BODY)
    })
    const fetch = createFetch({})
    const response = await fetch(`${base}/old`, {download: true})
    expect(response.body).toBeInstanceOf(RawResponse)
    expect(response.redirected).toBe(true)
    const out = join(mkdtempSync(join(tmpdir(), 'groq-raw-')), 'out.bin')
    const sink = await resolveSink({io: io(), out})
    expect(await saveResponse(response, sink, {io: io()})).toEqual({bytes: BODY.length, path: out})
    expect(readFileSync(out)).toEqual(BODY)
    expect(seen).toEqual(['/old close', '/new close'])
  })

  it('stdout on a regular file takes the raw body from the read buffer; on any other stream, copies', async () => {
    const base = await httpServer((_req, res) => res.writeHead(200, {'content-length': String(BODY.length)}).end(BODY))
    const path = join(mkdtempSync(join(tmpdir(), 'groq-raw-')), 'stdout')
    const fd = openSync(path, 'w')
    // What process.stdout is when redirected to a file (a SyncWriteStream): a stream path would call write().
    const fileStdout = {
      fd,
      writableLength: 0,
      write: () => {
        throw new Error('written through the stream')
      },
    }
    const onFile = {stderr: new PassThrough(), stdout: fileStdout} as unknown as IO
    const saved = await saveResponse(
      await createFetch({})(`${base}/x`, {download: true}),
      await resolveSink({io: onFile}),
      {io: onFile},
    )
    closeSync(fd)
    expect(saved).toEqual({bytes: BODY.length})
    expect(readFileSync(path)).toEqual(BODY)
    const piped = new PassThrough()
    const chunks: Buffer[] = []
    piped.on('data', (chunk: Buffer) => chunks.push(chunk))
    const onPipe = {stderr: new PassThrough(), stdout: piped} as unknown as IO
    await saveResponse(await createFetch({})(`${base}/x`, {download: true}), await resolveSink({io: onPipe}), {
      io: onPipe,
    })
    expect(Buffer.concat(chunks)).toEqual(BODY)
  })

  it('not marked, or through a proxy: Node http (a kept-alive connection)', async () => {
    const seen: string[] = []
    const base = await httpServer((req, res) => {
      seen.push(`${req.url} ${req.headers.connection}`)
      res.writeHead(200, {'content-length': '2'}).end('ok')
    })
    // The proxy is this server too: a proxied request names the whole URL.
    const plain = await createFetch({})(`${base}/a`)
    expect(plain.body).not.toBeInstanceOf(RawResponse)
    await plain.text()
    const proxied = await createFetch({HTTP_PROXY: base})(`${base}/b`, {download: true})
    expect(proxied.body).not.toBeInstanceOf(RawResponse)
    await proxied.text()
    expect(seen).toEqual(['/a keep-alive', `${base}/b close`])
  })

  it('with an interceptor of node:http (nock) active, a download goes through node:http, where it is seen', async () => {
    nock.activate()
    try {
      nock('http://127.0.0.1:9').get('/x').reply(200, 'intercepted')
      const response = await createFetch({})('http://127.0.0.1:9/x', {download: true})
      expect(response.body).not.toBeInstanceOf(RawResponse)
      expect(await response.text()).toBe('intercepted')
    } finally {
      nock.restore()
    }
  })

  it("the transport's --timeout, while a raw body is written to a file: bytes that keep coming keep it alive; a stop ends it", async () => {
    const pieces = 8
    const base = await httpServer((req, res) => {
      res.writeHead(200, {'content-length': String(pieces * 1000)})
      let sent = 0
      const next = () => {
        // /stall sends half, then nothing.
        if (sent === (req.url === '/stall' ? pieces / 2 : pieces)) return
        res.write('x'.repeat(1000))
        sent++
        setTimeout(next, 60)
      }
      next()
    })
    const fetch = createFetch({}, {timeoutMs: 200})
    const folder = mkdtempSync(join(tmpdir(), 'groq-raw-'))
    const moving = await fetch(`${base}/moving`, {download: true})
    expect(moving.body).toBeInstanceOf(RawResponse)
    const sink = await resolveSink({io: io(), out: join(folder, 'moving')})
    // Twice the transport's timeout in all: it counts only time with no byte arriving.
    expect(await saveResponse(moving, sink, {io: io()})).toMatchObject({bytes: pieces * 1000})
    // Done, it is closed (no error): the transport's timer and abort listener let go of it.
    await new Promise((later) => setTimeout(later, 300))
    expect([moving.body.destroyed, moving.body.errored]).toEqual([true, null])
    const stalled = await fetch(`${base}/stall`, {download: true})
    const error = await saveResponse(stalled, await resolveSink({io: io(), out: join(folder, 'stalled')}), {
      io: io(),
    }).catch((error_) => error_)
    expect(describeError(error).exitCode).toBe(6)
    expect(error.message).toBe(`No data from ${base} for 200 ms while reading the answer (raise --timeout?)`)
    expect(readdirSync(folder)).toEqual(['moving'])
  })

  it('a stalled raw download fails after the idle timeout (exit 6), leaving no file', async () => {
    const base = await httpServer((_req, res) => {
      res.writeHead(200, {'content-length': '100'})
      res.write('a')
    })
    const response = await createFetch({})(`${base}/x`, {download: true})
    const folder = mkdtempSync(join(tmpdir(), 'groq-raw-'))
    const sink = await resolveSink({io: io(), out: join(folder, 'x')})
    const error = await saveResponse(response, sink, {idleTimeoutMs: 100, io: io()}).catch((error_) => error_)
    expect(describeError(error)).toMatchObject({exitCode: 6})
    expect(String(error.message)).toBe('No data for 0 s: download stalled')
    expect(readdirSync(folder)).toEqual([])
  })
})
