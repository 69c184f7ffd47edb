/**
 * A download reaches the disk before it is renamed into place: flushed in the background while it arrives (every
 * 64 MiB), then fsynced once before the rename (src/lib/transfer/download.ts), on both of its paths: a stream, and
 * a raw answer written from its read buffer (src/lib/http/raw-get.ts, from a local server; nock is taken away).
 */
import {existsSync, mkdtempSync, readdirSync, statSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough, Readable} from 'node:stream'
import nock from 'nock'
import {afterAll, beforeAll, beforeEach, expect, it, vi} from 'vitest'

import type {IO} from '../../src/lib/core/io.js'
import {RawResponse} from '../../src/lib/http/raw-get.js'
import {createFetch} from '../../src/lib/http/transport.js'
import {saveResponse} from '../../src/lib/transfer/index.js'

const calls = vi.hoisted(() => ({log: [] as string[], target: ''}))

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>()
  return {
    ...actual,
    fdatasync(fd: number, done: (error: Error | null) => void) {
      calls.log.push('fdatasync')
      actual.fdatasync(fd, done)
    },
    fsync(fd: number, done: (error: Error | null) => void) {
      calls.log.push(`fsync, target ${actual.existsSync(calls.target) ? 'present' : 'absent'}`)
      actual.fsync(fd, done)
    },
  }
})

beforeAll(() => nock.restore())
afterAll(() => nock.activate())
beforeEach(() => {
  calls.log.length = 0
})

const MIB = Buffer.alloc(1 << 20, 'x')

/** One or two background flushes (one at a time, each after 64 MiB more), the fsync last, before the file is there. */
function expectFlushedThenSynced(dir: string, saved: unknown) {
  expect(saved).toEqual({bytes: 150 << 20, path: calls.target})
  expect(statSync(calls.target).size).toBe(150 << 20)
  expect(readdirSync(dir)).toEqual(['out.bin'])
  const background = calls.log.filter((call) => call === 'fdatasync').length
  expect(background).toBeGreaterThanOrEqual(1)
  expect(background).toBeLessThanOrEqual(2)
  expect(calls.log.at(-1)).toBe('fsync, target absent')
  expect(calls.log.filter((call) => call.startsWith('fsync'))).toHaveLength(1)
  expect(existsSync(calls.target)).toBe(true)
}

const io = () => ({stderr: new PassThrough(), stdout: new PassThrough()}) as unknown as IO

it('a 150 MiB download is flushed while it arrives, then fsynced once before it appears at the target', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'groq-download-sync-'))
  calls.target = join(dir, 'out.bin')
  const body = Readable.from(
    (function* () {
      for (let index = 0; index < 150; index++) yield MIB
    })(),
  )
  const saved = await saveResponse(
    {body, headers: {get: (name) => (name === 'content-length' ? String(150 << 20) : null)}},
    {force: false, kind: 'file', path: calls.target},
    {io: io()},
  )
  expectFlushedThenSynced(dir, saved)
})

it('the same for a raw answer, written from its read buffer', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, {'content-length': String(150 << 20)})
    let sent = 0
    const more = () => {
      while (sent < 150) {
        sent++
        if (!res.write(MIB)) return void res.once('drain', more)
      }
      res.end()
    }
    more()
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  try {
    const dir = mkdtempSync(join(tmpdir(), 'groq-download-sync-'))
    calls.target = join(dir, 'out.bin')
    const response = await createFetch({})(`http://127.0.0.1:${(server.address() as {port: number}).port}/`, {
      download: true,
    })
    expect(response.body).toBeInstanceOf(RawResponse)
    const saved = await saveResponse(response, {force: false, kind: 'file', path: calls.target}, {io: io()})
    expectFlushedThenSynced(dir, saved)
  } finally {
    await new Promise((closed) => server.close(closed))
  }
})
