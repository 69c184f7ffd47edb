/**
 * core/file-stats.ts: a file's size, inode and times as statSync gives them, without its Stats object where Node's
 * fs binding can be used, and statSync itself where it cannot.
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, Stats, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'

import {fileStatter, resetFileStats} from '../../src/lib/core/file-stats.js'
import {tempHome} from '../helpers/run.js'

const numbers = ({ctimeMs, ino, mtimeMs, size}: {ctimeMs: number; ino: number; mtimeMs: number; size: number}) => ({
  ctimeMs,
  ino,
  mtimeMs,
  size,
})

function folder() {
  const dir = join(tempHome().root, 'files')
  mkdirSync(dir, {recursive: true})
  for (let index = 0; index < 5; index++) writeFileSync(join(dir, `f${index}`), 'x'.repeat(index * 1000))
  return dir
}

describe('fileStatter', () => {
  afterEach(() => {
    delete process.env.NODE_PENDING_DEPRECATION
    resetFileStats()
  })

  for (const how of ['the binding where it may be used', 'statSync (pending deprecations on)']) {
    it(`gives statSync's numbers, and undefined for a file that is not there: ${how}`, () => {
      if (how.startsWith('statSync')) process.env.NODE_PENDING_DEPRECATION = '1'
      resetFileStats()
      const dir = folder()
      const stat = fileStatter(dir)
      for (const path of [dir, ...[0, 1, 2, 3, 4].map((index) => join(dir, `f${index}`))])
        expect(numbers(stat(path)!)).toEqual(numbers(statSync(path)))
      expect(stat(join(dir, 'missing'))).toBeUndefined()
      // Which way it went: the binding's answers are one reused object, statSync's a Stats each (Node 20-24, Linux).
      const binding = !how.startsWith('statSync')
      expect(stat(dir) instanceof Stats).toBe(!binding)
      expect(stat(dir) === stat(join(dir, 'f1'))).toBe(binding)
      expect(() => stat(join(dir, 'f1', 'below-a-file'))).toThrow(/ENOTDIR/)
    })
  }

  it('prints nothing, even where Node warns of process.binding (--pending-deprecation)', () => {
    const module = fileURLToPath(new URL('../../src/lib/core/file-stats.ts', import.meta.url))
    const script = `
      import {statSync} from 'node:fs'
      const {fileStatter} = await import(${JSON.stringify(module)})
      const stat = fileStatter('.')
      const {mtimeMs, size} = stat(${JSON.stringify(module)})
      const expected = statSync(${JSON.stringify(module)})
      console.log(mtimeMs === expected.mtimeMs && size === expected.size)
    `
    for (const flags of [['--pending-deprecation']]) {
      const child = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      })
      expect({status: child.status, stderr: child.stderr, stdout: child.stdout}).toEqual({
        status: 0,
        stderr: '',
        stdout: 'true\n',
      })
    }
  })
})
