/**
 * A download reaches the disk before it is renamed into place: flushed in the background while it arrives (every
 * 64 MiB), then fsynced once before the rename (src/lib/transfer/download.ts).
 */
import {existsSync, mkdtempSync, readdirSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough, Readable} from 'node:stream'
import {expect, it, vi} from 'vitest'

import type {IO} from '../../src/lib/core/io.js'
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

it('a 150 MiB download is flushed while it arrives, then fsynced once before it appears at the target', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'groq-download-sync-'))
  calls.target = join(dir, 'out.bin')
  const mib = Buffer.alloc(1 << 20, 'x')
  const body = Readable.from(
    (function* () {
      for (let index = 0; index < 150; index++) yield mib
    })(),
  )
  const io = {stderr: new PassThrough(), stdout: new PassThrough()} as unknown as IO
  const saved = await saveResponse(
    {body, headers: {get: (name) => (name === 'content-length' ? String(150 << 20) : null)}},
    {force: false, kind: 'file', path: calls.target},
    {io},
  )
  expect(saved).toEqual({bytes: 150 << 20, path: calls.target})
  expect(statSync(calls.target).size).toBe(150 << 20)
  expect(readdirSync(dir)).toEqual(['out.bin'])
  // One or two background flushes (one at a time, each after 64 MiB more), the fsync last, before the file is there.
  const background = calls.log.filter((call) => call === 'fdatasync').length
  expect(background).toBeGreaterThanOrEqual(1)
  expect(background).toBeLessThanOrEqual(2)
  expect(calls.log.at(-1)).toBe('fsync, target absent')
  expect(calls.log.filter((call) => call.startsWith('fsync'))).toHaveLength(1)
  expect(existsSync(calls.target)).toBe(true)
})
