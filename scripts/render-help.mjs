#!/usr/bin/env node
// Build step (last: it needs the manifest): oclif's own help pages, kept in dist/help/ for bin/run.js to answer help
// without loading oclif (src/lib/boot/help-pages.ts says when it may). For every help command line this CLI has,
// whatever commands exist when it runs, at each terminal width and colour level below: `groq`, `groq --help`,
// `groq help`, and for each topic and command `groq ID... --help`, `groq help ID...` (and a topic alone), for each help
// flag of package.json. Each (width, level) is rendered by one child process, as bin/run.js runs oclif (the bundle,
// src/help.ts, the manifest), with OCLIF_COLUMNS and FORCE_COLOR set, and an empty home whose path must not appear
// in a page (a page that shows it depends on where the user lives: not kept). Identical pages are stored once.
// test/e2e/help-pages.e2e.test.ts compares every page with stock oclif's.
//
//   node scripts/render-help.mjs
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '')
const helpDir = join(root, 'dist', 'help')
// Widths: 80 is what piped output and most terminals get; the test compares 80 and 120. Colour levels (ansis): 0
// (none: piped, NO_COLOR), 2 (256 colours: TERM=xterm-256color) and 3 (truecolor: COLORTERM=truecolor), what
// terminals say; 1 (16 colours) is rare. Any other terminal gets oclif's page once, then its own kept copy.
const WIDTHS = [80, 120]
const LEVELS = [0, 2, 3]

/** oclif, configured as bin/run.js configures it. */
async function loadOclif() {
  const {loadOclif, registerOclif} = await import('../bin/oclif.js')
  const oclif = loadOclif({codeCache: false})
  if (!oclif) throw new Error('dist/oclif/core.cjs is missing: run the whole build')
  registerOclif(oclif, new URL('..', import.meta.url))
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const {Config} = oclif.modules['./config']()
  return {
    execute: oclif.modules['./execute']().execute,
    load: () => Config.load({pjson: JSON.parse(JSON.stringify(pjson)), root}),
    pjson,
  }
}

/** Every help command line, as argv. */
export function helpForms(config, pjson) {
  const helpFlags = ['--help', ...(pjson.oclif.additionalHelpFlags ?? [])]
  const forms = [[], ['help'], ...helpFlags.map((flag) => [flag])]
  // A command whose help is computed when shown (hasDynamicHelp: flag defaults from the environment) is left to oclif.
  const ids = config.commands
    .filter((command) => !command.hasDynamicHelp)
    .flatMap((command) => [command.id, ...(command.aliases ?? [])])
  for (const {name} of config.topics) {
    const words = name.split(':')
    if (!config.findCommand(name)) forms.push(words)
    forms.push(['help', ...words], ...helpFlags.map((flag) => [...words, flag]))
  }
  for (const id of ids) {
    const words = id.split(':')
    forms.push(['help', ...words], ...helpFlags.map((flag) => [...words, flag]))
  }
  const seen = new Set()
  return forms.filter((form) => !seen.has(form.join('\0')) && seen.add(form.join('\0')))
}

/**
 * Undoes what oclif's Help changes in a Config while it shows a page: it rewrites the ids and aliases of the
 * commands it lists (`models:list` becomes `models list`) and the names of the topics, so that the next page would
 * come out differently. Restoring them is what makes one Config (loaded once) render every page as a fresh process
 * would; test/e2e/help-pages.e2e.test.ts checks the pages against stock oclif loaded afresh for each.
 */
function restorer(config) {
  const commands = config.commands.map((command) => [command, command.id, command.aliases])
  const topics = config.topics.map((topic) => [topic, topic.name])
  return () => {
    for (const [command, id, aliases] of commands) Object.assign(command, {aliases, id})
    for (const [topic, name] of topics) topic.name = name
  }
}

/** Child: renders each form of the JSON file argv[3] with oclif, writes {stdout, stderr, exitCode} to argv[4]. */
async function renderChild(formsFile, outFile) {
  const forms = JSON.parse(readFileSync(formsFile, 'utf8'))
  const {execute, load} = await loadOclif()
  const config = await load()
  const restore = restorer(config)
  const results = []
  const {stderr, stdout} = process
  // oclif's flush() leaves a 'drain' listener on stdout per run (it writes '' and waits); one process, many runs.
  stdout.setMaxListeners(0)
  const [stdoutWrite, stderrWrite, exit] = [stdout.write, stderr.write, process.exit]
  for (const form of forms) {
    const result = {exitCode: 0, stderr: '', stdout: ''}
    stdout.write = (chunk) => ((result.stdout += chunk), true)
    stderr.write = (chunk) => ((result.stderr += chunk), true)
    process.exit = (code) => {
      throw Object.assign(new Error('process.exit'), {exitCode: code ?? 0})
    }
    process.exitCode = undefined
    try {
      await execute({args: form, loadOptions: config})
      result.exitCode = process.exitCode ?? 0
    } catch (error) {
      result.exitCode = error.exitCode ?? 1
      result.stderr += String(error.stack ?? error)
    } finally {
      ;[stdout.write, stderr.write, process.exit] = [stdoutWrite, stderrWrite, exit]
      restore()
    }
    results.push(result)
  }
  process.exitCode = 0
  writeFileSync(outFile, JSON.stringify(results))
}

async function main() {
  const {load, pjson} = await loadOclif()
  const config = await load()
  const forms = helpForms(config, pjson)
  const work = mkdtempSync(join(tmpdir(), 'groq-render-help-'))
  const formsFile = join(work, 'forms.json')
  writeFileSync(formsFile, JSON.stringify(forms))
  // A home and a shell no page has any reason to show: a page that shows either depends on the user's.
  const home = join(work, 'home-c6f1e2')
  const shell = 'sh-c6f1e2'
  const env = {HOME: home, LANG: 'C', PATH: process.env.PATH ?? '', SHELL: `/bin/${shell}`}
  for (const kind of ['CACHE', 'CONFIG', 'DATA', 'STATE']) env[`XDG_${kind}_HOME`] = join(home, kind.toLowerCase())

  const keys = WIDTHS.flatMap((width) => LEVELS.map((level) => ({level, width})))
  const rendered = new Map()
  try {
    // Two at a time: this machine's two cores.
    for (let next = 0; next < keys.length; next += 2) {
      await Promise.all(
        keys.slice(next, next + 2).map(async ({level, width}) => {
          const out = join(work, `w${width}-l${level}.json`)
          await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), '--child', formsFile, out], {
            env: {...env, FORCE_COLOR: String(level), OCLIF_COLUMNS: String(width)},
            maxBuffer: 64 * 1024 * 1024,
          })
          rendered.set(`w${width}-l${level}`, JSON.parse(readFileSync(out, 'utf8')))
        }),
      )
    }
  } finally {
    rmSync(work, {force: true, recursive: true})
  }

  const {formKey} = await import('../dist/lib/boot/help-pages.js')
  rmSync(helpDir, {force: true, recursive: true})
  mkdirSync(join(helpDir, 'pages'), {recursive: true})
  const index = {
    format: 1,
    id: '',
    userAgent: config.userAgent,
    platform: `${process.platform}-${process.arch}`,
    ansis: relative(
      root,
      createRequire(createRequire(join(root, 'package.json')).resolve('@oclif/core')).resolve('ansis'),
    ),
    forms: {},
  }
  const skipped = new Set()
  const files = new Set()
  for (const [key, results] of rendered) {
    forms.forEach((form, index_) => {
      const {exitCode, stderr, stdout} = results[index_]
      const name = `groq ${form.join(' ')}`.trim()
      if (exitCode !== 0 || stderr || !stdout || stdout.includes(home) || stdout.includes(shell)) {
        if (!skipped.has(formKey(form))) console.warn(`help page not kept: ${name} (${describe(results[index_])})`)
        skipped.add(formKey(form))
        return
      }
      const file = createHash('sha256').update(stdout).digest('hex').slice(0, 20) + '.txt'
      if (!files.has(file)) writeFileSync(join(helpDir, 'pages', file), stdout)
      files.add(file)
      const entry = (index.forms[formKey(form)] ??= {pages: {}})
      entry.pages[key] = [file, Buffer.byteLength(stdout)]
      if (stdout.includes(config.userAgent) || stdout.includes(`node-${process.version}`)) entry.showsUserAgent = true
    })
  }
  // A command line is kept for every terminal or for none.
  for (const key of skipped) delete index.forms[key]
  index.id = createHash('sha256').update(JSON.stringify(index)).digest('hex').slice(0, 16)
  writeFileSync(join(helpDir, 'index.json'), JSON.stringify(index))
  console.log(
    `help pages: ${Object.keys(index.forms).length} command lines x ${rendered.size} terminals, ${files.size} distinct pages in dist/help/`,
  )
}

function describe({exitCode, stderr, stdout}) {
  if (exitCode !== 0) return `exit ${exitCode}: ${stderr.split('\n')[0]}`
  if (stderr) return `stderr: ${stderr.split('\n')[0]}`
  if (!stdout) return 'nothing printed'
  return 'shows the home directory or the shell, which depend on the user'
}

if (process.argv[2] === '--child') await renderChild(process.argv[3], process.argv[4])
else await main()
