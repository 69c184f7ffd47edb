/**
 * A V8 code cache with an intact header and a changed body crashes Node (fatal error 133, or a segfault) if V8 is
 * given it. The bundles' caches (the build's and the one a run keeps under $XDG_CACHE_HOME/groq) are checked first
 * (src/lib/boot/code-cache.ts): a damaged one is passed over, and the run keeps a good one for the next time.
 * These tests run a copy of the built CLI whose caches are damaged that way.
 */
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {crc32, decodeCache} from '../../src/lib/boot/code-cache.js'
import {makeHome, NODE_VERSION, ROOT, runCli, startServer, type TestServer} from '../helpers/cli.js'

const copy = mkdtempSync(join(tmpdir(), 'groq-damaged-cache-'))
const BUNDLES = [join('dist', 'oclif', 'core.cjs'), join('dist', 'vendor', 'groq-sdk.cjs')]
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: object}

/** Flips bytes all over the body of a cache file, keeping its first `keep` bytes (the header). */
function damageBody(file: string, keep = 64): void {
  const data = readFileSync(file)
  for (let offset = keep; offset < data.length; offset += 61) data[offset] ^= 0xa5
  writeFileSync(file, data)
}

/** The copy's bin/run.js, as runCli runs the real one. */
const groq = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
  runCli(args, {...options, bin: join(copy, 'bin', 'run.js')})

let server: TestServer
beforeAll(async () => {
  // Times kept, as an installed package's are: a dist/app.cjs older than dist/ looks like a tsc-only rebuild and is
  // passed over (src/lib/boot/app.ts), which a copy in whatever order the files come would sometimes do.
  for (const part of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) {
    cpSync(join(ROOT, part), join(copy, part), {preserveTimestamps: true, recursive: true})
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
  for (const bundle of BUNDLES) damageBody(join(copy, `${bundle}.v8cache`))
  server = await startServer({
    reply: (request) =>
      request.path === '/openai/v1/models'
        ? {body: {data: [{id: 'model-a', object: 'model', owned_by: 'Groq'}], object: 'list'}, status: 200}
        : {
            body: {choices: [{finish_reason: 'stop', index: 0, message: {content: 'hello', role: 'assistant'}}]},
            status: 200,
          },
  })
})

afterAll(async () => {
  await server?.close()
  rmSync(copy, {force: true, recursive: true})
})

describe.concurrent('with damaged code caches (header kept, body changed)', () => {
  // OCLIF_COLUMNS=79: no help page was kept for that width, so oclif (the bundle) renders each page.
  it.each(Object.keys(manifest.commands).map((id) => [id.split(':')]))('groq %j --help works', async (words) => {
    const result = await groq([...words, '--help'], {env: {OCLIF_COLUMNS: '79'}})
    expect(result.stderr).toBe('')
    expect(result).toMatchObject({exitCode: 0, signal: null})
    expect(result.stdout).toContain(`$ groq ${words.join(' ')}`)
  })

  it('groq models list and chat --no-stream work (both bundles), and --debug says the caches were passed over', async () => {
    const env = {GROQ_API_KEY: 'gsk_test', GROQ_BASE_URL: server.url}
    const list = await groq(['models', 'list', '--debug'], {env})
    expect(list).toMatchObject({exitCode: 0, signal: null, stdout: 'model-a\tGroq\t\t\t\n'})
    // The build's caches are for the Node that built; another one (GROQ_TEST_NODE) passes them over unread.
    for (const bundle of NODE_VERSION === process.version ? BUNDLES : []) {
      expect(list.stderr).toContain(
        `[debug] code cache ${join(copy, bundle)}.v8cache: damaged (length or checksum), ignored`,
      )
    }
    const chat = await groq(['chat', '--no-stream', '--model', 'm', 'hi'], {env})
    expect(chat).toMatchObject({exitCode: 0, signal: null, stderr: '', stdout: 'hello\n'})
  })

  it('a run keeps a cache of its own; damaged in turn, it is passed over and removed, and the next run makes a new one', async () => {
    const home = makeHome()
    try {
      const env = {GROQ_API_KEY: 'gsk_test', GROQ_BASE_URL: server.url}
      const ownDir = join(home, 'cache', 'groq', 'code-cache')
      const ownFiles = () => readdirSync(ownDir).sort()
      const list = (argv: string[] = []) => groq(['models', 'list', ...argv], {env, home})
      const answered = {exitCode: 0, signal: null, stdout: 'model-a\tGroq\t\t\t\n'}
      expect(await list()).toMatchObject({...answered, stderr: ''})
      // oclif's and groq-sdk's (the build's are damaged), and our code's (dist/app.cjs; --debug runs without it).
      const own = ownFiles()
      expect(own.map((name) => name.replace(/-v\d.*$/, ''))).toEqual(['app.cjs', 'core.cjs', 'groq-sdk.cjs'])
      const second = await list(['--debug'])
      expect(second).toMatchObject(answered)
      expect(second.stderr).not.toContain('code cache') // the run's own caches used, nothing to say

      const sizes = () => own.map((name) => readFileSync(join(ownDir, name)))
      const before = sizes()
      for (const name of own) damageBody(join(ownDir, name))
      expect(await list()).toMatchObject({...answered, stderr: ''})
      expect(ownFiles()).toEqual(own)
      expect(sizes().map((data, index) => data.equals(before[index]))).toEqual([false, false, false]) // made anew

      for (const name of own.slice(1)) damageBody(join(ownDir, name))
      const third = await list(['--debug'])
      expect(third).toMatchObject(answered)
      for (const name of own.slice(1)) {
        expect(third.stderr).toContain(`${join(ownDir, name)}: damaged (length or checksum), ignored`)
        expect(third.stderr).toContain(`${join(ownDir, name)}: written for the next run`)
      }
      const fourth = await list(['--debug'])
      expect(fourth).toMatchObject(answered)
      expect(fourth.stderr).not.toContain('code cache')
    } finally {
      rmSync(home, {force: true, recursive: true})
    }
  })
})

describe('the cache of our code (dist/app.cjs) a run keeps', () => {
  it('after a first run that failed (no API key), is made fuller once by the first run that succeeds', async () => {
    const home = makeHome()
    try {
      const env = {GROQ_BASE_URL: server.url}
      const ownDir = join(home, 'cache', 'groq', 'code-cache')
      const appCache = () => {
        const [name] = readdirSync(ownDir).filter((file) => file.startsWith('app.cjs-'))
        const data = readFileSync(join(ownDir, name))
        // Made by the Node the CLI runs on (GROQ_TEST_NODE may not be this one).
        const tag = `${NODE_VERSION}-${process.arch}`
        const decoded = decodeCache(data, crc32(readFileSync(join(copy, 'dist', 'app.cjs'))), tag)
        return {covers: decoded.body ? decoded.covers : [], data}
      }
      const list = (key?: string) => groq(['models', 'list'], {env: key ? {...env, GROQ_API_KEY: key} : env, home})
      expect(await list()).toMatchObject({exitCode: 3, stdout: ''})
      const failed = appCache()
      expect(failed.covers).toContain('commands/models/list.js?')
      expect(await list('gsk_test')).toMatchObject({exitCode: 0, stdout: 'model-a\tGroq\t\t\t\n'})
      const succeeded = appCache()
      expect(succeeded.covers).toContain('commands/models/list.js')
      expect(succeeded.covers.filter((name) => name.endsWith('?'))).toEqual([])
      // Neither another success nor another failure has more to add.
      expect(await list('gsk_test')).toMatchObject({exitCode: 0})
      expect(await list()).toMatchObject({exitCode: 3})
      expect(appCache().data.equals(succeeded.data)).toBe(true)
    } finally {
      rmSync(home, {force: true, recursive: true})
    }
  })
})
