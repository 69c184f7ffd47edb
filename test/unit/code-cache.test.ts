import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import vm from 'node:vm'
import {afterEach, describe, expect, it} from 'vitest'

import {fullerCovers, loadBundle, saveCodeCache} from '../../src/lib/boot/bundle.js'
import {CACHE_TAG, crc32, decodeCache, encodeCache, runtimeCachePath} from '../../src/lib/boot/code-cache.js'
// @ts-expect-error plain JavaScript build script
import {v8Flags} from '../../scripts/bundle-common.mjs'

const SOURCE = 'exports.answer = function answer(n) { return n * 2 }\nexports.value = exports.answer(21)\n'

let dirs: string[] = []
afterEach(() => {
  for (const dir of dirs) rmSync(dir, {force: true, recursive: true})
  dirs = []
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'groq-code-cache-'))
  dirs.push(dir)
  return dir
}

/** A bundle file and what V8 compiled of it (with the loader's wrapper, as loadBundle compiles it). */
function makeBundle(dir: string) {
  const file = join(dir, 'tiny.cjs')
  writeFileSync(file, SOURCE)
  const wrapper = `(function (exports, require, module, __filename, __dirname, __groqImport) {${SOURCE}\n})`
  const script = new vm.Script(wrapper, {filename: file})
  const exports = {} as {value?: number}
  ;(script.runInThisContext() as (exports: object) => void).call(exports, exports)
  return {body: script.createCachedData(), file, sourceCrc: crc32(Buffer.from(SOURCE))}
}

describe('cache file header', () => {
  const body = Buffer.from('compiled code, as far as this test knows')

  it('gives the body back when length, checksum, source and Node match', () => {
    const decoded = decodeCache(encodeCache(body, 1234), 1234)
    expect(decoded).toEqual({body, covers: []})
    expect(encodeCache(body, 1234).subarray(0, 8).toString()).toBe('GROQV8C2')
    const covering = decodeCache(encodeCache(body, 1234, {covers: ['commands/chat.js', 'help.js']}), 1234)
    expect(covering).toEqual({body, covers: ['commands/chat.js', 'help.js']})
  })

  it('calls a changed body damaged, whatever byte changed (the header kept)', () => {
    const file = encodeCache(body, 1234)
    for (let offset = file.length - body.length; offset < file.length; offset++) {
      const damaged = Buffer.from(file)
      damaged[offset] ^= 0x01
      expect(decodeCache(damaged, 1234)).toEqual({problem: 'damaged'})
    }
  })

  it('calls a cut or lengthened file, or another format, damaged', () => {
    const file = encodeCache(body, 1234)
    expect(decodeCache(file.subarray(0, file.length - 1), 1234)).toEqual({problem: 'damaged'})
    expect(decodeCache(Buffer.concat([file, Buffer.from([0])]), 1234)).toEqual({problem: 'damaged'})
    expect(decodeCache(file.subarray(0, 10), 1234)).toEqual({problem: 'damaged'})
    expect(decodeCache(Buffer.from('x'.repeat(100)), 1234)).toEqual({problem: 'damaged'})
    expect(decodeCache(Buffer.from(body), 1234)).toEqual({problem: 'damaged'}) // a bare V8 cache, as builds wrote before
  })

  it('tells a cache made for another build of the source, or by another Node', () => {
    expect(decodeCache(encodeCache(body, 1234), 4321)).toEqual({problem: 'stale'})
    expect(decodeCache(encodeCache(body, 1234, {tag: 'v22.23.5-x64'}), 1234, 'v24.22.3-x64')).toEqual({
      problem: 'other-node',
    })
    expect(CACHE_TAG).toBe(`${process.version}-${process.arch}`)
  })

  it('keeps one run-time cache per bundle location, Node version and V8 flags', () => {
    const a = runtimeCachePath('/opt/groq/dist/oclif/core.cjs', '/home/u/.cache/groq')
    expect(a).toMatch(
      new RegExp(
        `^/home/u/\\.cache/groq/code-cache/core\\.cjs-${CACHE_TAG.replaceAll('.', '\\.')}-[0-9a-f]{8}\\.v8cache$`,
      ),
    )
    expect(runtimeCachePath('/usr/lib/groq/dist/oclif/core.cjs', '/home/u/.cache/groq')).not.toBe(a)
    const saved = process.env.NODE_OPTIONS
    try {
      process.env.NODE_OPTIONS = '--max-old-space-size=4096'
      expect(runtimeCachePath('/opt/groq/dist/oclif/core.cjs', '/home/u/.cache/groq')).not.toBe(a)
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS
      else process.env.NODE_OPTIONS = saved
    }
  })
})

describe('loadBundle with code caches', () => {
  it('uses the build’s cache when it is whole and for this Node', () => {
    const dir = tempDir()
    const {body, file, sourceCrc} = makeBundle(dir)
    writeFileSync(`${file}.v8cache`, encodeCache(body, sourceCrc))
    const loaded = loadBundle<{value: number}>(file)!
    expect(loaded.exports.value).toBe(42)
    expect(loaded.cache).toBe('build')
    expect(loaded.script.cachedDataRejected).toBe(false)
  })

  it('passes over a damaged cache (header kept, body changed) before V8 sees it, and still loads', () => {
    const dir = tempDir()
    const {body, file, sourceCrc} = makeBundle(dir)
    const damaged = encodeCache(body, sourceCrc)
    for (let offset = damaged.length - body.length; offset < damaged.length; offset += 7) damaged[offset] ^= 0x5a
    writeFileSync(`${file}.v8cache`, damaged)
    const loaded = loadBundle<{value: number}>(file)!
    expect(loaded.exports.value).toBe(42)
    expect(loaded.cache).toBe('none')
    expect(loaded.script.cachedDataRejected).toBeUndefined() // V8 never got it
  })

  it('prefers this machine’s own cache, removes one that is stale, and loads without any', () => {
    const dir = tempDir()
    const cacheDir = join(dir, 'cache')
    const {body, file, sourceCrc} = makeBundle(dir)
    const own = runtimeCachePath(file, cacheDir)
    const atExit = () => {} // writes nothing when the test process exits
    saveCodeCache(new vm.Script('0'), own, sourceCrc ^ 1) // a cache made for another build of the source
    expect(loadBundle<{value: number}>(file, {atExit, cacheDir})!.cache).toBe('none')
    expect(() => readFileSync(own)).toThrow(/ENOENT/)

    saveCodeCache({createCachedData: () => body} as vm.Script, own, sourceCrc)
    const loaded = loadBundle<{value: number}>(file, {atExit, cacheDir})!
    expect(loaded).toMatchObject({cache: 'runtime', exports: {value: 42}})
    expect(loaded.script.cachedDataRejected).toBe(false)
  })

  it('writes this machine’s cache when none fits, and a fuller one when a run used more than the one it has', () => {
    const dir = tempDir()
    const cacheDir = join(dir, 'cache')
    const {file} = makeBundle(dir)
    const own = runtimeCachePath(file, cacheDir)
    const run = (used: string[]) => {
      const writes: (() => void)[] = []
      const loaded = loadBundle<{value: number}>(file, {
        atExit: (write) => writes.push(write),
        cacheDir,
        covers: () => used,
      })!
      for (const write of writes) write()
      return loaded.cache
    }
    const covers = () => (decodeCache(readFileSync(own), crc32(Buffer.from(SOURCE))) as {covers: string[]}).covers
    expect(run(['commands/a.js'])).toBe('none')
    expect(covers()).toEqual(['commands/a.js'])
    const written = readFileSync(own)
    expect(run(['commands/a.js'])).toBe('runtime')
    expect(readFileSync(own).equals(written)).toBe(true) // nothing new used: not written again
    expect(run(['commands/b.js'])).toBe('runtime')
    expect(covers()).toEqual(['commands/a.js', 'commands/b.js'])
    expect(run(['commands/b.js', 'commands/a.js'])).toBe('runtime')
    expect(covers()).toEqual(['commands/a.js', 'commands/b.js'])
  })

  it('takes what a failed run used as partly covered: the first run that succeeds with it writes a fuller cache', () => {
    expect(fullerCovers([], ['commands/a.js?'])).toEqual(['commands/a.js?'])
    // The same command succeeding: written once, the partial entry dropped; then nothing new.
    expect(fullerCovers(['commands/a.js?'], ['commands/a.js'])).toEqual(['commands/a.js'])
    expect(fullerCovers(['commands/a.js'], ['commands/a.js'])).toBeUndefined()
    // Failing again is covered by either kind of entry.
    expect(fullerCovers(['commands/a.js?'], ['commands/a.js?'])).toBeUndefined()
    expect(fullerCovers(['commands/a.js'], ['commands/a.js?'])).toBeUndefined()
    // Another module, failed or not, is added beside what is there.
    expect(fullerCovers(['commands/a.js'], ['commands/b.js?'])).toEqual(['commands/a.js', 'commands/b.js?'])
    expect(fullerCovers(['commands/a.js?', 'lib/x.js'], ['commands/a.js', 'lib/x.js'])).toEqual([
      'commands/a.js',
      'lib/x.js',
    ])
  })

  it('never gives one install the run-time cache of another, even one V8 would take (a source of the same length)', () => {
    const cacheDir = join(tempDir(), 'cache') // one user's cache, two installs
    const a = makeBundle(tempDir())
    const b = join(tempDir(), 'tiny.cjs')
    writeFileSync(b, SOURCE.replace('n * 2', 'n * 3'))
    const run = (file: string) => {
      const writes: (() => void)[] = []
      const loaded = loadBundle<{value: number}>(file, {atExit: (write) => writes.push(write), cacheDir})!
      for (const write of writes) write()
      return {cache: loaded.cache, value: loaded.exports.value}
    }
    expect(run(a.file)).toEqual({cache: 'none', value: 42})
    expect(run(a.file)).toEqual({cache: 'runtime', value: 42})
    expect(runtimeCachePath(b, cacheDir)).not.toBe(runtimeCachePath(a.file, cacheDir))
    expect(run(b)).toEqual({cache: 'none', value: 63})
    // A's cache where B's would be (a clash, or a copied cache folder): made for other code, passed over.
    writeFileSync(runtimeCachePath(b, cacheDir), readFileSync(runtimeCachePath(a.file, cacheDir)))
    expect(run(b)).toEqual({cache: 'none', value: 63})
    expect(run(b)).toEqual({cache: 'runtime', value: 63})
  })

  it('without codeCache reads no cache at all (the build, recording its own)', () => {
    const dir = tempDir()
    const {body, file, sourceCrc} = makeBundle(dir)
    writeFileSync(`${file}.v8cache`, encodeCache(body, sourceCrc))
    const loaded = loadBundle<{value: number}>(file, {codeCache: false})!
    expect(loaded.cache).toBe('none')
    expect(loaded.script.cachedDataRejected).toBeUndefined()
  })

  it('is undefined when the build made no bundle', () => {
    expect(loadBundle(join(tempDir(), 'missing.cjs'))).toBeUndefined()
  })
})

describe('the build’s V8 flag check', () => {
  it('finds the V8 flags among node options (they make V8 reject a code cache recorded without them)', () => {
    expect(
      v8Flags([
        '--max-old-space-size=4096',
        '--require',
        './setup.js',
        '--no-warnings',
        '--stack-size=2000',
        '--expose_gc',
      ]),
    ).toEqual(['--max-old-space-size=4096', '--stack-size=2000', '--expose_gc'])
    expect(v8Flags([])).toEqual([])
  })
})
