import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {
  formKey,
  type HelpIndex,
  helpWidth,
  lookupHelp,
  mayAnswer,
  storeDir,
  terminalKey,
  ansisColourLevel,
} from '../../src/lib/boot/help-pages.js'

const UA = 'groq-cli/0.1.0 linux-x64 node-v20.20.2'
let dirs: string[] = []
afterEach(() => {
  for (const dir of dirs) rmSync(dir, {force: true, recursive: true})
  dirs = []
})

/** A package root with dist/help/ holding a root page (shows the version line) and a command page. */
function fakeRoot(home?: string) {
  const root = mkdtempSync(join(tmpdir(), 'groq-help-pages-'))
  dirs.push(root)
  home ??= join(root, 'home')
  mkdirSync(join(root, 'dist', 'help', 'pages'), {recursive: true})
  const rootPage = `ROOT\n  ${UA}\n`
  writeFileSync(join(root, 'dist', 'help', 'pages', 'r.txt'), rootPage)
  writeFileSync(join(root, 'dist', 'help', 'pages', 'm.txt'), 'MODELS LIST\n')
  const index: HelpIndex = {
    ansis: 'node_modules/ansis/index.js',
    format: 1,
    forms: {
      [formKey(['--help'])]: {pages: {'w80-l0': ['r.txt', rootPage.length]}, showsUserAgent: true},
      [formKey(['models', 'list', '--help'])]: {pages: {'w80-l0': ['m.txt', 12], 'w120-l0': ['m.txt', 12]}},
    },
    id: 'build1',
    platform: `${process.platform}-${process.arch}`,
    userAgent: UA,
  }
  // What tsc wrote, before the build rendered the pages.
  mkdirSync(join(root, 'dist', 'lib', 'boot'), {recursive: true})
  writeFileSync(join(root, 'dist', 'lib', 'boot', 'help-pages.js'), '')
  utimesSync(join(root, 'dist', 'lib', 'boot', 'help-pages.js'), new Date(2000, 0, 1), new Date(2000, 0, 1))
  writeFileSync(join(root, 'dist', 'help', 'index.json'), JSON.stringify(index))
  const env = {HOME: home, LANG: 'C.UTF-8', XDG_CACHE_HOME: join(home, 'cache')}
  const request = {colourLevel: 0, env, root, stdout: {isTTY: false}, userAgent: UA}
  return {env, home, request, root}
}

describe('lookupHelp', () => {
  it('answers a listed command line with its page for this terminal', () => {
    const {request} = fakeRoot()
    expect(lookupHelp({...request, argv: ['models', 'list', '--help']})?.page?.toString()).toBe('MODELS LIST\n')
    expect(lookupHelp({...request, argv: ['--help']})?.page?.toString()).toBe(`ROOT\n  ${UA}\n`)
    const wide = {...request, env: {...request.env, OCLIF_COLUMNS: '120'}}
    expect(lookupHelp({...wide, argv: ['models', 'list', '--help']})?.page?.toString()).toBe('MODELS LIST\n')
  })

  it('leaves a command line the build did not list to oclif', () => {
    const {request} = fakeRoot()
    expect(lookupHelp({...request, argv: ['models', 'list']})).toBeUndefined()
    expect(lookupHelp({...request, argv: ['models', 'list', '--help', '--json']})).toBeUndefined()
    expect(lookupHelp({...request, argv: ['--help', 'models', 'list']})).toBeUndefined()
  })

  it('keeps oclif’s page for another terminal or version line, and answers with it next time', () => {
    const {home, request} = fakeRoot()
    const node22 = {...request, userAgent: 'groq-cli/0.1.0 linux-x64 node-v22.23.5'}
    const miss = lookupHelp({...node22, argv: ['--help']})
    expect(miss?.page).toBeUndefined()
    miss!.save!('ROOT on 22\n')
    expect(lookupHelp({...node22, argv: ['--help']})?.page?.toString()).toBe('ROOT on 22\n')
    expect(lookupHelp({...request, argv: ['--help']})?.page?.toString()).toBe(`ROOT\n  ${UA}\n`) // Node 20 as before

    const narrow = {...request, env: {...request.env, OCLIF_COLUMNS: '60'}, colourLevel: 2}
    lookupHelp({...narrow, argv: ['models', 'list', '--help']})!.save!('NARROW\n')
    expect(lookupHelp({...narrow, argv: ['models', 'list', '--help']})?.page?.toString()).toBe('NARROW\n')
    expect(readdirSync(storeDir(request.env, request.root, 'build1'))).toHaveLength(2) // one folder per version line
    expect(storeDir(request.env, request.root, 'build1').startsWith(join(home, 'cache', 'groq', 'help'))).toBe(true)
  })

  it('passes over a kept page that was cut short, and a build page of the wrong length', () => {
    const {request, root} = fakeRoot()
    const wide = {...request, env: {...request.env, OCLIF_COLUMNS: '100'}}
    lookupHelp({...wide, argv: ['models', 'list', '--help']})!.save!('A PAGE OF SOME LENGTH\n')
    const kept = join(storeDir(request.env, root, 'build1'), encodeURIComponent(UA), 'w100-l0')
    const [file] = readdirSync(kept)
    writeFileSync(join(kept, file), `groq-help 22 ${encodeURIComponent(root)}\nA PAGE OF SOME`)
    expect(lookupHelp({...wide, argv: ['models', 'list', '--help']})?.save).toBeTypeOf('function')

    writeFileSync(join(root, 'dist', 'help', 'pages', 'm.txt'), 'MODELS LIST, EDITED\n')
    expect(lookupHelp({...request, argv: ['models', 'list', '--help']})?.save).toBeTypeOf('function')
  })

  it('never answers one install with a page another install kept, even for the same build', () => {
    const a = fakeRoot()
    const b = fakeRoot(a.home) // another checkout with the same pages (index id), same user and cache
    const wide = (request: typeof a.request) => ({
      ...request,
      argv: ['models', 'list', '--help'],
      env: {...request.env, OCLIF_COLUMNS: '100'},
    })
    lookupHelp(wide(a.request))!.save!('A: MODELS LIST\n')
    expect(lookupHelp(wide(a.request))?.page?.toString()).toBe('A: MODELS LIST\n')
    expect(lookupHelp(wide(b.request))?.page).toBeUndefined() // B asks oclif, and keeps its own
    lookupHelp(wide(b.request))!.save!('B: MODELS LIST\n')
    expect(lookupHelp(wide(b.request))?.page?.toString()).toBe('B: MODELS LIST\n')
    expect(lookupHelp(wide(a.request))?.page?.toString()).toBe('A: MODELS LIST\n')

    // A page in B's folder that names A (a clash of the folder's hash) is not B's.
    const folder = (root: string) => join(storeDir(a.env, root, 'build1'), encodeURIComponent(UA), 'w100-l0')
    const [file] = readdirSync(folder(a.root))
    writeFileSync(join(folder(b.root), file), readFileSync(join(folder(a.root), file)))
    expect(lookupHelp(wide(b.request))?.page).toBeUndefined()
  })

  it('leaves help to oclif when dist/ was compiled again after the pages were rendered (tsc alone)', () => {
    const {request, root} = fakeRoot()
    expect(lookupHelp({...request, argv: ['--help']})?.page).toBeDefined()
    writeFileSync(join(root, 'dist', 'lib', 'boot', 'help-pages.js'), '') // now newer than dist/help/index.json
    utimesSync(
      join(root, 'dist', 'lib', 'boot', 'help-pages.js'),
      new Date(Date.now() + 60_000),
      new Date(Date.now() + 60_000),
    )
    expect(lookupHelp({...request, argv: ['--help']})).toBeUndefined()
  })

  it('leaves help to oclif when its pages are missing or unreadable', () => {
    const {request, root} = fakeRoot()
    writeFileSync(join(root, 'dist', 'help', 'index.json'), '{"format":1,')
    expect(lookupHelp({...request, argv: ['--help']})).toBeUndefined()
    rmSync(join(root, 'dist', 'help'), {recursive: true})
    expect(lookupHelp({...request, argv: ['--help']})).toBeUndefined()
  })
})

describe('mayAnswer: whether oclif would render help as the build did', () => {
  it('yes in a plain environment', () => {
    const {env} = fakeRoot()
    expect(mayAnswer(env, 'linux')).toBe(true)
  })

  it('no with a user theme (unless GROQ_DISABLE_THEME), user plugins, GROQ_DEBUG, another collation, or Windows', () => {
    const {env, home} = fakeRoot()
    mkdirSync(join(home, '.config', 'groq'), {recursive: true})
    writeFileSync(join(home, '.config', 'groq', 'theme.json'), '{}')
    expect(mayAnswer(env, 'linux')).toBe(false)
    expect(mayAnswer({...env, GROQ_DISABLE_THEME: 'true'}, 'linux')).toBe(true)
    expect(mayAnswer({...env, GROQ_CONFIG_DIR: join(home, 'elsewhere')}, 'linux')).toBe(true)
    expect(mayAnswer({...env, XDG_CONFIG_HOME: join(home, 'xdg')}, 'linux')).toBe(true)
    rmSync(join(home, '.config'), {recursive: true})

    mkdirSync(join(home, '.local', 'share', 'groq'), {recursive: true})
    writeFileSync(join(home, '.local', 'share', 'groq', 'package.json'), '{}')
    expect(mayAnswer(env, 'linux')).toBe(false)
    expect(mayAnswer({...env, XDG_DATA_HOME: join(home, 'data')}, 'linux')).toBe(true)

    expect(mayAnswer({...env, XDG_DATA_HOME: join(home, 'data'), GROQ_DEBUG: '1'}, 'linux')).toBe(false)
    expect(mayAnswer({...env, XDG_DATA_HOME: join(home, 'data'), LANG: 'lt_LT.UTF-8'}, 'linux')).toBe(false)
    expect(mayAnswer({...env, XDG_DATA_HOME: join(home, 'data')}, 'win32')).toBe(false)
  })
})

describe('the terminal key', () => {
  it('is oclif’s width: OCLIF_COLUMNS, else the terminal’s (40 at least), else 80', () => {
    expect(helpWidth({}, {isTTY: false})).toBe(80)
    expect(helpWidth({OCLIF_COLUMNS: '132'}, {isTTY: false})).toBe(132)
    expect(helpWidth({}, {getWindowSize: () => [97, 30], isTTY: true})).toBe(97)
    expect(helpWidth({}, {getWindowSize: () => [20, 30], isTTY: true})).toBe(40)
    expect(helpWidth({}, {getWindowSize: () => [0, 0], isTTY: true})).toBe(80)
    expect(helpWidth({OCLIF_COLUMNS: 'x'}, {getWindowSize: () => [97, 30], isTTY: true})).toBe(97)
    expect(terminalKey(97, 2)).toBe('w97-l2')
  })

  it('asks the colour level of the ansis oclif uses (this process: vitest, no TTY)', () => {
    const path = createRequire(createRequire(import.meta.url).resolve('@oclif/core')).resolve('ansis')
    const ansis = createRequire(import.meta.url)(path) as {isSupported(): boolean}
    const level = ansisColourLevel(path)
    expect(level > 0).toBe(ansis.isSupported())
  })

  it('keys a command line by its words', () => {
    expect(formKey([])).toBe('')
    expect(formKey(['models', 'list', '--help'])).toBe('models list --help')
    expect(formKey(['a b', '%'])).toBe('a%20b %25')
  })
})
