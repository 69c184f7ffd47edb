/**
 * A download as users run it, over TLS (the API is https): the built CLI reads the answer through its own reader
 * (src/lib/http/raw-get.ts: one connection, `connection: close`, ALPN http/1.1) and writes the file whole, with
 * Content-Length or chunked coding; an answer that is not 2xx still reads as the API's error. The server's
 * certificate is test/fixtures/tls (self-signed for localhost and 127.0.0.1), trusted through NODE_EXTRA_CA_CERTS.
 */
import {randomBytes} from 'node:crypto'
import {spawn} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {KEY} from '../helpers/fixtures.js'
import {BIN, cleanEnv, makeHome, NODE, ROOT, runCli} from '../helpers/cli.js'

const TLS = join(ROOT, 'test', 'fixtures', 'tls')
const BODY = randomBytes(3 << 20)
const seen: {alpn: false | null | string; connection?: string; method?: string; url?: string}[] = []
let server: Server
let base = ''

beforeAll(async () => {
  server = createServer(
    {ALPNProtocols: ['http/1.1'], cert: readFileSync(join(TLS, 'cert.pem')), key: readFileSync(join(TLS, 'key.pem'))},
    (req, res) => {
      seen.push({
        alpn: (req.socket as import('node:tls').TLSSocket).alpnProtocol,
        connection: req.headers.connection,
        method: req.method,
        url: req.url,
      })
      if (req.url === '/openai/v1/files/file_length/content') {
        res.writeHead(200, {'content-length': String(BODY.length), 'content-type': 'application/octet-stream'})
        res.end(BODY)
      } else if (req.url === '/openai/v1/files/file_chunked/content') {
        // No length: Node sends it chunked, in pieces of various sizes.
        res.writeHead(200, {'content-type': 'application/octet-stream'})
        for (let at = 0; at < BODY.length;) {
          const size = 1 + Math.floor(Math.random() * 200_000)
          res.write(BODY.subarray(at, at + size))
          at += size
        }
        res.end()
      } else {
        res.writeHead(404, {'content-type': 'application/json', 'x-request-id': 'req_tls'})
        res.end(JSON.stringify({error: {message: 'No such file: file_none', type: 'invalid_request_error'}}))
      }
    },
  )
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  base = `https://localhost:${(server.address() as {port: number}).port}`
})

afterAll(() => new Promise<void>((closed) => server.close(() => closed())))

const env = () => ({GROQ_API_KEY: KEY, GROQ_BASE_URL: base, NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem')})

describe('files download over TLS', () => {
  it.each(['file_length', 'file_chunked'])('%s: the file arrives whole, on a connection of its own', async (id) => {
    const dir = mkdtempSync(join(tmpdir(), 'groq-raw-e2e-'))
    seen.length = 0
    const result = await runCli(['files', 'download', id, '-O', join(dir, 'out.bin')], {env: env()})
    expect(result).toMatchObject({exitCode: 0, stderr: `Saved ${join(dir, 'out.bin')} (${BODY.length} bytes)\n`})
    expect(readFileSync(join(dir, 'out.bin')).equals(BODY)).toBe(true)
    expect(readdirSync(dir)).toEqual(['out.bin'])
    expect(seen).toEqual([
      {alpn: 'http/1.1', connection: 'close', method: 'GET', url: `/openai/v1/files/${id}/content`},
    ])
  })

  it('stdout redirected to a file (`> out.bin`, appended after what is there): the bytes arrive whole, read raw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'groq-raw-e2e-'))
    const out = join(dir, 'out.bin')
    writeFileSync(out, 'before\n')
    const fd = openSync(out, 'a')
    seen.length = 0
    const home = makeHome()
    const exitCode = await new Promise<null | number>((resolve, reject) => {
      const child = spawn(NODE, [BIN, 'files', 'download', 'file_chunked'], {
        cwd: home,
        env: {...cleanEnv(home), ...env()},
        stdio: ['ignore', fd, 'ignore'],
      })
      child.once('error', reject)
      child.once('close', resolve)
    })
    closeSync(fd)
    expect(exitCode).toBe(0)
    expect(readFileSync(out).equals(Buffer.concat([Buffer.from('before\n'), BODY]))).toBe(true)
    expect(seen).toEqual([
      {alpn: 'http/1.1', connection: 'close', method: 'GET', url: '/openai/v1/files/file_chunked/content'},
    ])
  })

  it('an unknown file: the API error line and exit 4, no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'groq-raw-e2e-'))
    const result = await runCli(['files', 'download', 'file_none', '-O', join(dir, 'out.bin')], {env: env()})
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toContain('No such file: file_none')
    expect(result.stderr).toContain('req_tls')
    expect(readdirSync(dir)).toEqual([])
  })

  it('a certificate the machine does not trust: refused, exit 6, no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'groq-raw-e2e-'))
    const result = await runCli(['files', 'download', 'file_length', '-O', join(dir, 'out.bin')], {
      env: {...env(), NODE_EXTRA_CA_CERTS: undefined},
    })
    expect(result.exitCode).toBe(6)
    expect(result.stderr).toMatch(/certificate/i)
    expect(readdirSync(dir)).toEqual([])
  })
})
