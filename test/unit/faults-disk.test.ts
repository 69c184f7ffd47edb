/**
 * The fault suite: a full disk while a conversation is saved (issue 9, item 9) and while a download is written
 * (issue 10). The disk is simulated (node:fs/promises fails the conversation's temp file with ENOSPC half-way, and
 * node:fs fails a download's temp file after its first bytes, as a full disk does: its write stream after the first
 * chunk, or writeSync, which a raw download writes with, after part of the first write); the server is the fault
 * server.
 */
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import nock from 'nock'
import {afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi} from 'vitest'

import Chat from '../../src/commands/chat.js'
import FilesDownload from '../../src/commands/files/download.js'
import {fault, startFaultServer} from '../helpers/fault-server.js'
import {KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const disk = vi.hoisted(() => ({full: false}))

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>()
  return {
    ...actual,
    async open(...args: Parameters<typeof actual.open>) {
      const handle = await actual.open(...args)
      if (!disk.full || !/\/conversations\/\..*\.tmp$/.test(String(args[0]))) return handle
      return new Proxy(handle, {
        get(target, property) {
          if (property === 'writeFile') {
            return async (data: string) => {
              await target.writeFile(data.slice(0, Math.floor(data.length / 2)))
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC', errno: -28})
            }
          }
          const value = Reflect.get(target, property)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    },
  }
})

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>()
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC', errno: -28})
  /** A download's temp files opened while the disk is full: how many writes each has had. */
  const parts = new Map<number, number>()
  return {
    ...actual,
    openSync(...args: Parameters<typeof actual.openSync>) {
      const fd = actual.openSync(...args)
      if (disk.full && String(args[0]).endsWith('.part')) parts.set(fd, 0)
      return fd
    },
    writeSync(fd: number, buffer: Buffer, offset: number, length: number) {
      const writes = parts.get(fd)
      if (writes === undefined) return actual.writeSync(fd, buffer, offset, length)
      parts.set(fd, writes + 1)
      if (writes > 0) throw enospc()
      return actual.writeSync(fd, buffer, offset, Math.min(length, 1000))
    },
    closeSync(fd: number) {
      parts.delete(fd)
      actual.closeSync(fd)
    },
    createWriteStream(...args: Parameters<typeof actual.createWriteStream>) {
      const stream = actual.createWriteStream(...args)
      if (!disk.full || !String(args[0]).endsWith('.part')) return stream
      // The first chunk lands, then the disk is full.
      let chunks = 0
      const write = stream._write.bind(stream)
      stream._writev = undefined
      stream._write = (chunk, encoding, done) => (chunks++ === 0 ? write(chunk, encoding, done) : done(enospc()))
      return stream
    },
  }
})

beforeAll(() => nock.restore())
afterAll(() => nock.activate())
afterEach(() => {
  disk.full = false
})

const delta = (content: string) => ({choices: [{delta: {content}, index: 0}], object: 'chat.completion.chunk'})

describe('9. a full disk while saving the conversation', () => {
  it('the answer is printed, then one line says it was not saved and why; exit 1; no file, no temp file, no lock', async () => {
    const server = await startFaultServer({routes: {'POST /openai/v1/chat/completions': fault.sse([delta('Hello.')])}})
    onTestFinished(() => server.close())
    const home = tempHome()
    disk.full = true
    const result = await run(Chat, ['--save', '-m', 'm', 'hi'], {
      env: {...home.env, GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url},
    })
    const dir = join(home.dataHome, 'groq', 'conversations')
    expect(result.stdout).toBe('Hello.\n')
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(
      new RegExp(
        `^Error: The answer was not saved: cannot write ${dir}/[0-9a-z]{8}-[0-9a-z]{4}\\.json \\(ENOSPC: no space left on device\\)\\n$`,
      ),
    )
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('a full disk while downloading (issue 10)', () => {
  // As it comes, the body is written from the raw reader's buffer (writeSync); compressed, it is decoded through a
  // stream into a write stream.
  it.each([
    ['as it comes', {}],
    ['compressed', {'content-encoding': 'gzip'}],
  ] as const)(
    'files download -O --force, %s: exit 1 naming the target, no temp file, the old file kept whole',
    async (_, encoding) => {
      const plain = Buffer.alloc(256 * 1024, 120)
      const body = 'content-encoding' in encoding ? gzipSync(plain) : plain
      const server = await startFaultServer({
        routes: {
          'GET /openai/v1/files/file_1/content': fault.reply(200, body, {
            'content-type': 'application/octet-stream',
            ...encoding,
          }),
        },
      })
      onTestFinished(() => server.close())
      const home = tempHome()
      const target = join(home.root, 'out.bin')
      writeFileSync(target, 'the old file\n')
      disk.full = true
      const result = await run(FilesDownload, ['file_1', '-O', target, '--force'], {
        env: {...home.env, GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url},
      })
      expect(result).toEqual({
        exitCode: 1,
        stderr: `Error: Cannot write ${target}: no space left on device\n`,
        stdout: '',
      })
      expect(readdirSync(home.root).filter((name) => name.includes('out.bin'))).toEqual(['out.bin'])
      expect(readFileSync(target, 'utf8')).toBe('the old file\n')
    },
  )
})
