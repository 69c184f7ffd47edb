/**
 * Two installs of one build (two checkouts, a global and a local install) share the user's $XDG_CACHE_HOME/groq,
 * where runs keep code caches (src/lib/boot/bundle.ts) and help pages oclif rendered (src/lib/boot/help-pages.ts).
 * Neither may answer with the other's: two copies of the built CLI, the second changed in a command's summary and
 * an error message (same lengths, so only the content tells them apart), run in turn with one home.
 */
import {cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {makeHome, ROOT, runCli} from '../helpers/cli.js'

const SUMMARY = ['List the models available to your API key', 'LIST THE MODELS AVAILABLE TO YOUR API KEY']
const NO_KEY = ['No API key. Provide one with', 'NO API KEY. PROVIDE ONE WITH']

const installs = mkdtempSync(join(tmpdir(), 'groq-two-installs-'))
const home = makeHome()
const bin = (which: 0 | 1) => join(installs, String(which), 'bin', 'run.js')

/** Every file under `dir` holding `from`, with it replaced by `to`. */
function replaceIn(dir: string, from: string, to: string): number {
  let changed = 0
  for (const entry of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile() || !/\.(c?js|json)$/.test(entry.name)) continue
    const file = join(entry.parentPath, entry.name)
    const text = readFileSync(file, 'utf8')
    if (!text.includes(from)) continue
    writeFileSync(file, text.replaceAll(from, to))
    changed++
  }
  return changed
}

beforeAll(() => {
  for (const which of ['0', '1']) {
    // Times kept, as an installed package's are (src/lib/boot/app.ts takes an older dist/app.cjs for a tsc-only build).
    for (const part of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) {
      cpSync(join(ROOT, part), join(installs, which, part), {preserveTimestamps: true, recursive: true})
    }
    symlinkSync(join(ROOT, 'node_modules'), join(installs, which, 'node_modules'))
  }
  const second = join(installs, '1')
  // The bundle of our code, the files --debug runs and the manifest oclif's help reads.
  expect(replaceIn(second, SUMMARY[0], SUMMARY[1])).toBeGreaterThanOrEqual(3)
  expect(replaceIn(second, NO_KEY[0], NO_KEY[1])).toBeGreaterThanOrEqual(2)
})

afterAll(() => {
  rmSync(installs, {force: true, recursive: true})
  rmSync(home, {force: true, recursive: true})
})

it('each answers with its own code and help pages, run after run, from one cache folder; --debug names its files', async () => {
  const run = (which: 0 | 1, args: string[], env: Record<string, string> = {}) =>
    runCli(args, {bin: bin(which), env, home})
  for (let round = 0; round < 2; round++) {
    for (const which of [0, 1] as const) {
      // A command from dist/app.cjs, compiled with the run-time code cache this install keeps.
      const list = await run(which, ['models', 'list'])
      expect(list).toMatchObject({exitCode: 3, stdout: ''})
      expect(list.stderr).toContain(`Error: ${NO_KEY[which]}`)
      expect(list.stderr).not.toContain(NO_KEY[1 - which])
      // A width the build rendered no page for: oclif renders it, the run keeps it, the next round reads it.
      const help = await run(which, ['models', 'list', '--help'], {OCLIF_COLUMNS: '77'})
      expect(help).toMatchObject({exitCode: 0, stderr: ''})
      expect(help.stdout).toContain(SUMMARY[which])
      expect(help.stdout).not.toContain(SUMMARY[1 - which])
    }
  }
  // --debug runs dist/'s own files instead of the bundle (bin/run.js), so its stack trace names them.
  const debug = await run(1, ['models', 'list', '--debug'])
  expect(debug.exitCode).toBe(3)
  expect(debug.stderr).toContain(`AuthError: ${NO_KEY[1]}`)
  expect(debug.stderr).toMatch(/^ {4}at .*\(file:\/\/.*\/1\/dist\/lib\/http\/client\.js:\d+:\d+\)$/m)
  expect(debug.stderr).not.toContain('app.cjs')
  const kept = (dir: string) => readdirSync(join(home, 'cache', 'groq', dir))
  // One help store and one code cache of dist/app.cjs per install.
  expect(kept('help')).toHaveLength(2)
  expect(kept('code-cache').filter((name) => name.startsWith('app.cjs-'))).toHaveLength(2)
})
