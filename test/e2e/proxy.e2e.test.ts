/**
 * Proxy support: HTTP_PROXY / HTTPS_PROXY / NO_PROXY, as a user behind a corporate proxy sets them.
 * A small forward proxy records what it sees: absolute-URI requests for http targets (which it forwards),
 * CONNECT for https targets (which it accepts and then hangs up on: there is no internet here, and seeing the CONNECT is the point).
 */
import {createServer, request as httpRequest} from 'node:http'
import type {AddressInfo} from 'node:net'
import {describe, expect, inject, it, type TestContext} from 'vitest'

import {lines, runCli} from '../helpers/cli.js'

const prismURL = inject('prismURL')
const KEY = 'gsk_e2e_proxy_0123456789'

async function startProxy(onTestFinished: TestContext['onTestFinished']) {
  const seen: string[] = []
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const target = new URL(req.url ?? '')
    const upstream = httpRequest(target, {headers: req.headers, method: req.method}, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`)
    // Accept the tunnel, then hang up: TLS to the target cannot start, which the CLI reports as a network error.
    socket.write('HTTP/1.1 200 Connection established\r\n\r\n', () => socket.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return {seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`}
}

describe('proxy', () => {
  it.skipIf(!prismURL)('sends http requests through HTTP_PROXY', async ({onTestFinished}) => {
    const proxy = await startProxy(onTestFinished)
    const result = await runCli(['models', 'list'], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: prismURL, HTTP_PROXY: proxy.url},
    })
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(proxy.seen).toEqual([`GET ${prismURL}/openai/v1/models`])
    expect(lines(result.stdout).length).toBeGreaterThan(0)
  })

  it.skipIf(!prismURL)('goes direct for hosts in NO_PROXY', async ({onTestFinished}) => {
    const proxy = await startProxy(onTestFinished)
    const result = await runCli(['models', 'list'], {
      env: {GROQ_API_KEY: KEY, GROQ_BASE_URL: prismURL, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1'},
    })
    expect(result.exitCode).toBe(0)
    expect(proxy.seen).toEqual([])
  })

  it('tunnels https through HTTPS_PROXY with CONNECT; a dropped tunnel is a network error (exit 6)', async ({
    onTestFinished,
  }) => {
    const proxy = await startProxy(onTestFinished)
    const result = await runCli(['models', 'list', '--max-retries', '0'], {
      env: {GROQ_API_KEY: KEY, HTTPS_PROXY: proxy.url},
    })
    expect(proxy.seen).toEqual(['CONNECT api.groq.com:443'])
    expect(result.exitCode).toBe(6)
    expect(result.stdout).toBe('')
    expect(lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toMatch(/^Error: Cannot reach https:\/\/api\.groq\.com/)
  })
})
