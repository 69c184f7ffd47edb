import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type IncomingHttpHeaders, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough, Readable, Writable} from 'node:stream'
import {afterEach, describe, expect, it} from 'vitest'

import {resolveSettings} from '../../src/lib/core/config.js'
import {describeError} from '../../src/lib/core/errors.js'
import type {IO} from '../../src/lib/core/io.js'
import {createClient} from '../../src/lib/http/client.js'
import {WRITE_BODY} from '../../src/lib/http/transport.js'
import {
  looksBinary,
  multipartBody,
  postMultipart,
  resolveSink,
  saveResponse,
  uploadTimeoutMs,
} from '../../src/lib/transfer/index.js'
import {KEY} from '../helpers/fixtures.js'
import {tempHome} from '../helpers/run.js'

const dir = () => mkdtempSync(join(tmpdir(), 'groq-transfer-'))

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}

class Out extends PassThrough {
  chunks: Buffer[] = []
  constructor(readonly isTTY?: boolean) {
    super()
    this.on('data', (chunk: Buffer) => this.chunks.push(chunk))
  }
  text() {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}

const fakeIO = (stdoutTTY = false): IO & {stdout: Out; stderr: Out} =>
  ({env: {}, stderr: new Out(false), stdin: Readable.from([]), stdout: new Out(stdoutTTY)}) as never

describe('multipartBody', () => {
  it('assembles fields and the file with the exact bytes and length, and can be read again (a retry)', async () => {
    const folder = dir()
    const path = join(folder, 'requests.jsonl')
    writeFileSync(path, '{"a":1}\n')
    const form = await multipartBody(
      [
        {name: 'purpose', value: 'batch'},
        {name: 'file', path},
      ],
      {boundary: 'BOUNDARY'},
    )
    const expected =
      '--BOUNDARY\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n' +
      '--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="requests.jsonl"\r\n' +
      'Content-Type: application/jsonl\r\n\r\n{"a":1}\n\r\n--BOUNDARY--\r\n'
    expect(await text(form.body)).toBe(expected)
    expect(await text(form.body)).toBe(expected)
    expect(form.contentLength).toBe(Buffer.byteLength(expected))
    expect(form.contentType).toBe('multipart/form-data; boundary=BOUNDARY')
    expect(form.fileBytes).toBe(8)
  })

  it('refuses a missing file before anything is sent (exit 2, naming it)', async () => {
    const error = await multipartBody([{name: 'file', path: '/nonexistent/x.jsonl'}]).catch((error_) => error_)
    expect(describeError(error)).toEqual({exitCode: 2, message: '/nonexistent/x.jsonl: no such file'})
  })

  it('fails when the file changes size between stat and send', async () => {
    const path = join(dir(), 'grows.txt')
    writeFileSync(path, 'abc')
    const form = await multipartBody([{name: 'file', path}])
    writeFileSync(path, 'abcdef')
    await expect(text(form.body)).rejects.toThrow('changed size while it was being uploaded')
  })

  it('written to a request (its pooled buffers), also fails when the file grew or shrank since the stat', async () => {
    const sink = () =>
      new Writable({
        write(_chunk, _encoding, done) {
          setImmediate(done)
        },
      })
    for (const [before, after] of [
      ['abc', 'abcdef'],
      ['x'.repeat(600_000), 'x'.repeat(500_000)],
    ]) {
      const path = join(dir(), 'changes.txt')
      writeFileSync(path, before)
      const form = await multipartBody([{name: 'file', path}])
      writeFileSync(path, after)
      await expect(form.body[WRITE_BODY](sink(), () => {})).rejects.toThrow(
        `${path} changed size while it was being uploaded (${before.length} bytes, now ${after.length})`,
      )
    }
  })
})

interface Received {
  body: Buffer
  headers: IncomingHttpHeaders
  method?: string
  url?: string
}

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()))
  server = undefined
})

/** A local server that records each request and answers with `statuses` in order (then 200 with a File). */
async function recordingServer(
  statuses: number[] = [],
  {readAfterMs = 0} = {},
): Promise<{received: Received[]; url: string}> {
  const received: Received[] = []
  server = createServer(async (req, res) => {
    // A server slow to start reading fills the socket's buffers: the client's writes queue, holding its buffers.
    if (readAfterMs) await new Promise((done) => setTimeout(done, readAfterMs))
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    received.push({body: Buffer.concat(chunks), headers: req.headers, method: req.method, url: req.url})
    const status = statuses[received.length - 1] ?? 200
    res.writeHead(status, {'content-type': 'application/json', 'retry-after-ms': '1'})
    res.end(JSON.stringify(status === 200 ? {bytes: 8, id: 'file_1', object: 'file'} : {error: {message: 'busy'}}))
  })
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', () => done()))
  return {received, url: `http://127.0.0.1:${(server!.address() as {port: number}).port}`}
}

async function clientFor(url: string, maxRetries = 0) {
  const env = {...tempHome().env, GROQ_BASE_URL: url}
  const settings = resolveSettings({'api-key': KEY, 'max-retries': maxRetries}, env)
  return {client: await createClient(settings, {env, userAgent: 'test'}), settings}
}

describe('postMultipart through the groq-sdk client', () => {
  it('sends Content-Length (never chunked), the bearer key and the multipart body', async () => {
    const {received, url} = await recordingServer()
    const path = join(dir(), 'requests.jsonl')
    writeFileSync(path, 'x'.repeat(300_000))
    const {client, settings} = await clientFor(url)
    const file = await postMultipart<{id: string}>(
      client,
      '/openai/v1/files',
      [
        {name: 'purpose', value: 'batch'},
        {name: 'file', path},
      ],
      {timeoutMs: settings.timeoutMs},
    )
    expect(file.id).toBe('file_1')
    expect(received).toHaveLength(1)
    const [request] = received
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/openai/v1/files')
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(request.headers['transfer-encoding']).toBeUndefined()
    expect(Number(request.headers['content-length'])).toBe(request.body.length)
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(request.headers['content-type']!)![1]
    const body = request.body.toString('utf8')
    expect(body.startsWith(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n`)).toBe(
      true,
    )
    expect(body).toContain(`name="file"; filename="requests.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n`)
    expect(body).toContain('x'.repeat(300_000) + `\r\n--${boundary}--\r\n`)
  })

  it('sends a file of many chunks byte for byte (the buffers it reuses are never overwritten too early)', async () => {
    const {received, url} = await recordingServer([], {readAfterMs: 300})
    const path = join(dir(), 'random.bin')
    const bytes = randomBytes(16 * 1024 * 1024 + 1234)
    writeFileSync(path, bytes)
    const {client, settings} = await clientFor(url)
    const sent: number[] = []
    await postMultipart(client, '/openai/v1/files', [{name: 'file', path}], {
      progress: {
        label: 'random.bin',
        ux: {bytes: async () => ({setTotal() {}, stop() {}, update: (n: number) => sent.push(n)})} as never,
      },
      timeoutMs: settings.timeoutMs,
    })
    const [request] = received
    const start = request.body.indexOf('\r\n\r\n') + 4
    expect(request.body.subarray(start, start + bytes.length).equals(bytes)).toBe(true)
    expect(request.body.length).toBe(Number(request.headers['content-length']))
    expect(sent.at(-1)).toBe(bytes.length)
  })

  it('a retried upload (503, then 200) sends the whole body again', async () => {
    const {received, url} = await recordingServer([503])
    const path = join(dir(), 'a.txt')
    writeFileSync(path, 'hello')
    const {client, settings} = await clientFor(url, 2)
    await postMultipart(client, '/openai/v1/files', [{name: 'file', path}], {timeoutMs: settings.timeoutMs})
    expect(received).toHaveLength(2)
    expect(received[1].body.equals(received[0].body)).toBe(true)
    expect(received[1].body.toString()).toContain('hello')
  })

  it('gives the upload time for its size on top of the run timeout', () => {
    expect(uploadTimeoutMs(60_000, 0)).toBe(60_000)
    expect(uploadTimeoutMs(60_000, 100_000_000)).toBe(60_000 + 390_625)
  })
})

const response = (chunks: Array<Buffer | string>, headers: Record<string, string> = {}, failAfter?: Error) => {
  const body = new PassThrough()
  ;(async () => {
    for (const chunk of chunks) {
      body.write(chunk)
      await new Promise((done) => setImmediate(done))
    }
    if (failAfter) body.destroy(failAfter)
    else body.end()
  })()
  return {body, headers: new Headers(headers)}
}

describe('resolveSink', () => {
  it('-O PATH onto an existing file without --force: exit 2, the file is kept', async () => {
    const path = join(dir(), 'out.jsonl')
    writeFileSync(path, 'keep me')
    const error = await resolveSink({io: fakeIO(), out: path}).catch((error_) => error_)
    expect(describeError(error)).toEqual({exitCode: 2, message: `${path} already exists; pass --force to overwrite it`})
    expect(readFileSync(path, 'utf8')).toBe('keep me')
  })

  it('binary content to a terminal is refused before the request, with a hint, -O - included; a pipe is allowed', async () => {
    for (const out of [undefined, '-']) {
      const error = await resolveSink({binary: true, io: fakeIO(true), out, suggestedName: 'speech.mp3'}).catch(
        (e) => e,
      )
      expect(describeError(error)).toEqual({
        exitCode: 2,
        message: 'Refusing to write binary data to the terminal: pass -O speech.mp3 (or pipe or redirect stdout)',
      })
    }
    expect(await resolveSink({binary: true, io: fakeIO(false)})).toEqual({kind: 'stdout', sniffBinary: false})
    expect(await resolveSink({binary: true, io: fakeIO(false), out: '-'})).toEqual({kind: 'stdout', sniffBinary: false})
  })

  it('a missing directory is a usage error', async () => {
    const error = await resolveSink({io: fakeIO(), out: '/nonexistent-dir/x'}).catch((e) => e)
    expect(describeError(error).exitCode).toBe(2)
  })
})

describe('saveResponse', () => {
  it('writes the file atomically (no temp file left) and counts the bytes', async () => {
    const folder = dir()
    const path = join(folder, 'out.bin')
    const sink = await resolveSink({io: fakeIO(), out: path})
    const saved = await saveResponse(response(['ab', 'cd'], {'content-length': '4'}), sink, {io: fakeIO()})
    expect(saved).toEqual({bytes: 4, path})
    expect(readFileSync(path, 'utf8')).toBe('abcd')
    expect(readdirSync(folder)).toEqual(['out.bin'])
  })

  it('--force replaces an existing file', async () => {
    const path = join(dir(), 'out.txt')
    writeFileSync(path, 'old')
    const sink = await resolveSink({force: true, io: fakeIO(), out: path})
    await saveResponse(response(['new']), sink, {io: fakeIO()})
    expect(readFileSync(path, 'utf8')).toBe('new')
  })

  it('a connection that drops mid-way leaves no file and exits 6', async () => {
    const folder = dir()
    const path = join(folder, 'out.bin')
    const sink = await resolveSink({io: fakeIO(), out: path})
    const reset = Object.assign(new Error('aborted'), {code: 'ECONNRESET'})
    const error = await saveResponse(response(['ab'], {'content-length': '10'}, reset), sink, {io: fakeIO()}).catch(
      (e) => e,
    )
    expect(describeError(error)).toEqual({
      exitCode: 6,
      message: 'Download interrupted after 2 bytes: aborted (ECONNRESET)',
    })
    expect(readdirSync(folder)).toEqual([])
  })

  it('a body shorter than its Content-Length is incomplete: exit 6, no file', async () => {
    const folder = dir()
    const sink = await resolveSink({io: fakeIO(), out: join(folder, 'x')})
    const error = await saveResponse(response(['abc'], {'content-length': '5'}), sink, {io: fakeIO()}).catch((e) => e)
    expect(describeError(error)).toEqual({
      exitCode: 6,
      message: 'Download incomplete: got 3 of 5 bytes (connection closed early)',
    })
    expect(readdirSync(folder)).toEqual([])
  })

  it('a file that appears at the target meanwhile is kept (no --force): exit 2', async () => {
    const folder = dir()
    const path = join(folder, 'out.txt')
    const sink = await resolveSink({io: fakeIO(), out: path})
    writeFileSync(path, 'someone else')
    const error = await saveResponse(response(['mine']), sink, {io: fakeIO()}).catch((e) => e)
    expect(describeError(error).exitCode).toBe(2)
    expect(readFileSync(path, 'utf8')).toBe('someone else')
    expect(readdirSync(folder)).toEqual(['out.txt'])
  })

  it('streams to stdout, leaving it open', async () => {
    const io = fakeIO(false)
    const sink = await resolveSink({io})
    expect(await saveResponse(response(['{"a":1}\n', '{"b":2}\n']), sink, {io})).toEqual({bytes: 16})
    expect(io.stdout.text()).toBe('{"a":1}\n{"b":2}\n')
    expect(io.stdout.writable).toBe(true)
  })

  it('text to a terminal is printed; binary to a terminal is refused at the first bytes (exit 2)', async () => {
    const io = fakeIO(true)
    await saveResponse(response(['hello\n']), await resolveSink({io}), {io})
    expect(io.stdout.text()).toBe('hello\n')
    const binary = fakeIO(true)
    const error = await saveResponse(response([Buffer.from([0xff, 0x00, 0x01])]), await resolveSink({io: binary}), {
      io: binary,
    }).catch((e) => e)
    expect(describeError(error).exitCode).toBe(2)
    expect(binary.stdout.text()).toBe('')
  })

  it('a stalled download fails after the idle timeout (exit 6), leaving no file', async () => {
    const folder = dir()
    const body = new PassThrough()
    body.write('a')
    const sink = await resolveSink({io: fakeIO(), out: join(folder, 'x')})
    const error = await saveResponse({body, headers: new Headers()}, sink, {idleTimeoutMs: 50, io: fakeIO()}).catch(
      (e) => e,
    )
    expect(describeError(error).exitCode).toBe(6)
    expect(existsSync(join(folder, 'x'))).toBe(false)
    expect(readdirSync(folder)).toEqual([])
  })

  it('looksBinary: NUL or invalid UTF-8', () => {
    expect(looksBinary(Buffer.from('héllo\n'))).toBe(false)
    expect(looksBinary(Buffer.from([0x68, 0x00]))).toBe(true)
    expect(looksBinary(Buffer.from([0xff, 0xfe]))).toBe(true)
  })
})
