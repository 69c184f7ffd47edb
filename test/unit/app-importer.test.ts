import {mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'

import {appImporter} from '../../src/lib/boot/app.js'

let dirs: string[] = []
afterEach(() => {
  for (const dir of dirs) rmSync(dir, {force: true, recursive: true})
  dirs = []
})

/**
 * A dist/ with two ES modules as tsc writes them (`commands/a.js` and `commands/b.js`, which the "bundle" does not
 * have) and an app.cjs bundling `commands/a.js` as a different value, so a test can tell where an import came from.
 */
function fakeDist({stale = false}: {stale?: boolean} = {}) {
  const dist = mkdtempSync(join(tmpdir(), 'groq-app-importer-'))
  dirs.push(dist)
  mkdirSync(join(dist, 'commands'))
  mkdirSync(join(dist, 'lib', 'boot'), {recursive: true})
  writeFileSync(join(dist, 'package.json'), '{"type": "module"}')
  writeFileSync(join(dist, 'commands', 'a.js'), "export default 'a from dist'")
  writeFileSync(join(dist, 'commands', 'b.js'), "export default 'b from dist'")
  writeFileSync(join(dist, 'lib', 'boot', 'app.js'), '')
  writeFileSync(
    join(dist, 'app.cjs'),
    "exports.modules = {'commands/a.js': () => ({default: 'a from the bundle'}), 'commands/boom.js': () => { throw new Error('boom') }}",
  )
  const [older, newer] = [new Date(2000, 0, 1), new Date(2000, 0, 2)]
  utimesSync(join(dist, 'lib', 'boot', 'app.js'), stale ? newer : older, stale ? newer : older)
  utimesSync(join(dist, 'app.cjs'), stale ? older : newer, stale ? older : newer)
  return {dist, url: (path: string) => pathToFileURL(join(dist, path)).href}
}

describe('appImporter: what oclif imports from dist/', () => {
  it('comes from the build’s bundle when the bundle has the module', async () => {
    const {dist, url} = fakeDist()
    const importer = appImporter(dist)
    expect(await importer(url('commands/a.js'))).toEqual({default: 'a from the bundle'})
  })

  it('is imported as usual when the bundle does not have it, or it is not under dist/', async () => {
    const {dist, url} = fakeDist()
    const importer = appImporter(dist)
    expect(((await importer(url('commands/b.js'))) as {default: string}).default).toBe('b from dist')
    expect(((await importer('node:path')) as {join: unknown}).join).toBeTypeOf('function')
  })

  it('rejects, as import() does, when the module throws while it is evaluated', async () => {
    const {dist, url} = fakeDist()
    await expect(appImporter(dist)(url('commands/boom.js'))).rejects.toThrow('boom')
  })

  it('ignores a bundle older than what tsc last wrote (a rebuild by tsc alone): its code would be stale', async () => {
    const {dist, url} = fakeDist({stale: true})
    expect(((await appImporter(dist)(url('commands/a.js'))) as {default: string}).default).toBe('a from dist')
  })
})
