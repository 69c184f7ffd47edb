/**
 * Help answered from the pages the build kept (scripts/render-help.mjs, src/lib/boot/help-pages.ts) must be oclif's
 * help, byte for byte, for every command line the build lists, so that it can never drift from the commands.
 * The reference is stock oclif (node_modules/@oclif/core, not the build's bundle): one child process per terminal
 * renders every command line, each with a fresh Config, as a process of its own would.
 */
import {spawn} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Config} from '@oclif/core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {HelpIndex} from '../../src/lib/boot/help-pages.js'
import {BIN, cleanEnv, makeHome, NODE, NODE_VERSION, ROOT} from '../helpers/cli.js'

const built = (await import(
  new URL('../../dist/lib/boot/help-pages.js', import.meta.url).href
)) as typeof import('../../src/lib/boot/help-pages.js')

/** Stock oclif rendering each form of the JSON file argv[1] (fresh Config each), results as JSON to argv[2]. */
const STOCK_PAGES = `
import {Config, execute} from '@oclif/core'
import {readFileSync, writeFileSync} from 'node:fs'
const [formsFile, outFile, root] = process.argv.slice(1)
const results = []
const write = process.stdout.write
process.stdout.setMaxListeners(0)
for (const form of JSON.parse(readFileSync(formsFile, 'utf8'))) {
  let stdout = ''
  process.stdout.write = (chunk) => ((stdout += chunk), true)
  process.exitCode = undefined
  try {
    await execute({args: form, loadOptions: await Config.load({root})})
  } finally {
    process.stdout.write = write
  }
  results.push({exitCode: process.exitCode ?? 0, stdout})
}
process.exitCode = 0
writeFileSync(outFile, JSON.stringify(results))
`
// Stock oclif for one command line, in a process of its own.
const STOCK = `import {execute} from '@oclif/core'\nawait execute({dir: ${JSON.stringify(ROOT)}, args: process.argv.slice(1)})`

interface Result {
  exitCode: null | number
  stderr: string
  stdout: string
}

/** Runs node (NODE, the Node under test, unless `nodeBin` says otherwise) with exactly `env`. */
function node(args: string[], env: Record<string, string | undefined>, nodeBin = NODE): Promise<Result> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(
      Object.entries(env).filter(([, value]) => value !== undefined),
    ) as NodeJS.ProcessEnv
    const child = spawn(nodeBin, args, {cwd: ROOT, env: clean, stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', reject)
    child.on('close', (exitCode) =>
      resolve({exitCode, stderr: Buffer.concat(err).toString('utf8'), stdout: Buffer.concat(out).toString('utf8')}),
    )
  })
}

// oclif's settings module sets globalThis.oclif as soon as any copy of @oclif/core is evaluated.
const PROBE =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("oclif loaded: "+("oclif" in globalThis)))'

const home = makeHome()
const index = JSON.parse(readFileSync(join(ROOT, 'dist', 'help', 'index.json'), 'utf8')) as HelpIndex
const forms = Object.keys(index.forms).map((key) => (key === '' ? [] : key.split(' ').map(decodeURIComponent)))
// Every command line uncoloured at both widths; in colour (256 colours, truecolor) the root, a topic and commands.
const TERMINALS = [
  {forms, level: 0, width: 80},
  {forms, level: 0, width: 120},
  ...[2, 3].flatMap((level) => [80, 120].map((width) => ({forms: sample(forms), level, width}))),
]
const stock = new Map<string, {exitCode: number; stdout: string}[]>()

/** The root, `help`, the first topic alone and with -h, and the first and last command's page. */
function sample(all: string[][]): string[][] {
  const commandPages = all.filter((form) => form.at(-1) === '--help' && form.length > 2)
  const topic = all.find((form) => form.length === 1 && !form[0].startsWith('-') && form[0] !== 'help')
  const pick = [[], ['help'], topic, topic && [...topic, '-h'], commandPages[0], commandPages.at(-1)]
  return pick.filter(
    (form): form is string[] => form !== undefined && all.some((f) => built.formKey(f) === built.formKey(form)),
  )
}
let userAgent = ''

beforeAll(async () => {
  userAgent = (await Config.load({root: ROOT})).userAgent
  await Promise.all(
    TERMINALS.map(async ({forms: terminalForms, level, width}) => {
      const formsFile = join(home, `forms-${width}-${level}.json`)
      writeFileSync(formsFile, JSON.stringify(terminalForms))
      const out = join(home, `stock-${width}-${level}.json`)
      const env = {...cleanEnv(home), FORCE_COLOR: String(level), NO_COLOR: undefined, OCLIF_COLUMNS: String(width)}
      // This process's node: the pages are compared with lookupHelp in this process (its version line).
      const result = await node(
        ['--input-type=module', '-e', STOCK_PAGES, '--', formsFile, out, ROOT],
        env,
        process.execPath,
      )
      expect(result.exitCode, result.stderr).toBe(0)
      stock.set(built.terminalKey(width, level), JSON.parse(readFileSync(out, 'utf8')))
    }),
  )
}, 120_000)

afterAll(() => rmSync(home, {force: true, recursive: true}))

describe('the kept pages', () => {
  it('cover the root, every topic and every command (with its aliases), as stock oclif lists them', async () => {
    const config = await Config.load({root: ROOT})
    const listed = new Set(Object.keys(index.forms))
    expect(listed).toContain(built.formKey([]))
    expect(listed).toContain(built.formKey(['--help']))
    for (const topic of config.topics) expect(listed).toContain(built.formKey([...topic.name.split(':'), '--help']))
    for (const command of config.commands) {
      for (const id of [command.id, ...command.aliases]) {
        expect(listed).toContain(built.formKey([...id.split(':'), '--help']))
        expect(listed).toContain(built.formKey(['help', ...id.split(':')]))
      }
    }
  })

  it.each(TERMINALS)(
    'equal stock oclif’s help, byte for byte, at width $width, colour level $level',
    ({forms: terminalForms, level, width}) => {
      const reference = stock.get(built.terminalKey(width, level))!
      const env = {...cleanEnv(home), OCLIF_COLUMNS: String(width)}
      terminalForms.forEach((argv, position) => {
        const answer = built.lookupHelp({argv, colourLevel: level, env, root: ROOT, stdout: {isTTY: false}, userAgent})
        expect(reference[position].exitCode, `stock groq ${argv.join(' ')}`).toBe(0)
        expect(answer?.page?.toString('utf8'), `groq ${argv.join(' ')}`).toBe(reference[position].stdout)
      })
      if (level > 0) expect(reference[0].stdout).toContain('\u001B[1m') // the colour level did reach oclif
    },
  )
})

describe.concurrent('bin/run.js answers help from them', () => {
  const groq = (argv: string[], env: Record<string, string | undefined>, runHome = home) =>
    node(['--import', PROBE, BIN, ...argv], {...cleanEnv(runHome), ...env})
  const stockOclif = (argv: string[], env: Record<string, string | undefined>) =>
    node(['--input-type=module', '-e', STOCK, '--', ...argv], {...cleanEnv(home), ...env})
  const withoutProbe = (result: Result) => ({...result, stderr: result.stderr.replace(/oclif loaded: \w+$/, '')})

  it.each([
    [['--help'], {}],
    [['models', '--help'], {FORCE_COLOR: '3', NO_COLOR: undefined}],
    [['models', 'list', '--help'], {OCLIF_COLUMNS: '120'}],
    [['help', 'config', 'set'], {FORCE_COLOR: '2', NO_COLOR: undefined, OCLIF_COLUMNS: '120'}],
    [['files', 'upload', '-h'], {}],
  ])('groq %j (%j) without loading oclif, as stock oclif prints it', async (argv, env) => {
    const [ours, reference] = await Promise.all([groq(argv, env), stockOclif(argv, env)])
    // A page with the version line of a Node other than the one that built (GROQ_TEST_NODE) was not rendered by the
    // build: oclif renders it the first time, as for a terminal the build did not render (below).
    const otherNodesPage = NODE_VERSION !== process.version && ours.stdout.includes(`node-${NODE_VERSION}`)
    expect(ours.stderr).toBe(`oclif loaded: ${otherNodesPage}`)
    expect(withoutProbe(ours)).toEqual(reference)
  })

  it('keeps oclif’s page for a terminal the build did not render, and answers from it the next time', async () => {
    const runHome = makeHome()
    try {
      const env = {OCLIF_COLUMNS: '97'}
      const reference = await stockOclif(['conversations', '--help'], env)
      const first = await groq(['conversations', '--help'], env, runHome)
      expect(first.stderr).toBe('oclif loaded: true')
      expect(withoutProbe(first)).toEqual(reference)
      const second = await groq(['conversations', '--help'], env, runHome)
      expect(second.stderr).toBe('oclif loaded: false')
      expect(withoutProbe(second)).toEqual(reference)
    } finally {
      rmSync(runHome, {force: true, recursive: true})
    }
  })

  it('leaves help to oclif when a user theme changes it', async () => {
    const runHome = makeHome()
    try {
      mkdirSync(join(runHome, 'config', 'groq'), {recursive: true})
      writeFileSync(join(runHome, 'config', 'groq', 'theme.json'), JSON.stringify({sectionHeader: 'red'}))
      const env = {FORCE_COLOR: '3', NO_COLOR: undefined}
      const ours = await groq(['models', '--help'], env, runHome)
      expect(ours.stderr).toBe('oclif loaded: true')
      expect(ours.stdout).toContain('\u001B[31m') // the theme's red headers
      const reference = await node(['--input-type=module', '-e', STOCK, '--', 'models', '--help'], {
        ...cleanEnv(runHome),
        ...env,
      })
      expect(withoutProbe(ours)).toEqual(reference)
    } finally {
      rmSync(runHome, {force: true, recursive: true})
    }
  })
})
