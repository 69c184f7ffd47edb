#!/usr/bin/env node
// `groq --version` and the help pages are answered here, without loading @oclif/core (loading it costs more than
// starting node). `--version` is the string oclif prints (Config#userAgent), built from the same inputs; help is the
// page oclif rendered at build time for the same command line and terminal (src/lib/boot/help-pages.ts). Anything
// this file is not sure about goes to oclif, which bin/oclif.js loads from the build's bundle.
// test/e2e/startup.e2e.test.ts and help-pages.e2e.test.ts compare the answers with stock oclif; bench/PERF.md has
// the figures.
//
// CommonJS (bin/package.json), with the start-up code it needs bundled as CommonJS too (dist/boot.cjs): an ES module
// entry makes Node start its ES module loader, about a fifth of `node -e 0` again, before the first line runs.
// `--version` and help never start it; a command does, when oclif imports it from dist/.
'use strict'
// Only what Node has loaded already: `--version` needs nothing more (node:os and node:url are required where used).
const {existsSync, fstatSync, readFileSync, writeSync} = require('node:fs')
const {join} = require('node:path')

const root = join(__dirname, '..')
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))

/**
 * Every sign is-wsl (behind wsl-utils) checks before it can answer true; none of them means "not WSL". The same test
 * as src/lib/boot/wsl.ts, which the bundled oclif asks (this file loads nothing of dist/ for --version).
 */
function maybeWsl() {
  // is-wsl exports its function instead of its answer under this variable (truthy: oclif says wsl).
  if (process.env.__IS_WSL_TEST__) return true
  const says = (text) => text.toLowerCase().includes('microsoft')
  try {
    // /proc/version begins `Linux version <os.release()>`: it says so whenever the release does.
    if (says(readFileSync('/proc/version', 'utf8'))) return true
  } catch {
    // no /proc/version: ask for the release, then the paths below
    if (says(require('node:os').release())) return true
  }
  return existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL')
}

/** Whether oclif would do more than answer --version or help from package.json: then only oclif may answer. */
function oclifDoesMore(pjson) {
  // DEBUG=* makes oclif log while it answers; NODE_ENV=development|test loads devPlugins (which may hook init).
  if (process.env.DEBUG || ['development', 'test'].includes(process.env.NODE_ENV ?? '')) return true
  const oclif = pjson.oclif ?? {}
  if (oclif.commands?.strategy === 'single') return true
  // `init` hooks run before the version or help is printed: any plugin with one (or with plugins of its own).
  if (oclif.hooks?.init) return true
  for (const name of oclif.plugins ?? []) {
    if (/[*?[\]{}!]/.test(name) || !(name in (pjson.dependencies ?? {}))) return true
    const plugin = readJson(join(root, 'node_modules', name, 'package.json'))
    if (plugin.oclif?.hooks?.init || plugin.oclif?.plugins) return true
  }
  return false
}

/** oclif's Config#userAgent, e.g. `groq-cli/0.1.0 linux-x64 node-v20.20.2`. */
async function userAgent(pjson) {
  // Config#load: the platform is `wsl` when wsl-utils says so (imported from @oclif/core, as oclif does). It
  // can only say so on Linux with one of the signs is-wsl looks for; without them, loading it is wasted time.
  // os.platform() and os.arch() are process.platform and process.arch.
  let os = process.platform
  if (os === 'linux' && maybeWsl()) {
    const {createRequire} = require('node:module')
    const requireFromCore = createRequire(createRequire(join(root, 'package.json')).resolve('@oclif/core'))
    const {pathToFileURL} = require('node:url')
    if ((await import(pathToFileURL(requireFromCore.resolve('wsl-utils')).href)).isWsl) os = 'wsl'
  }
  const cpu = process.arch === 'ia32' ? 'x86' : process.arch
  return `${pjson.name}/${pjson.version || '0.0.0'} ${os}-${cpu} node-${process.version}`
}

/** Whether oclif would show help for argv (main.run: no arguments, a help flag, `help`) or maybe a topic's page. */
function mayBeHelp(argv, pjson) {
  const helpFlags = ['--help', ...(pjson.oclif?.additionalHelpFlags ?? [])]
  return argv.length <= 1 || argv[0] === 'help' || argv.some((word) => helpFlags.includes(word))
}

/** The start-up code the build bundled as CommonJS (src/lib/boot), or undefined in a checkout built by tsc alone. */
function loadBoot() {
  try {
    return require('../dist/boot.cjs')
  } catch {
    return undefined
  }
}

/** What the process writes to stdout (still written), and whether it wrote to stderr. */
function capture() {
  const printed = {stderr: false, stdout: []}
  // A page src/help.ts sent through the pager, which wrote it to the terminal itself.
  globalThis[Symbol.for('groq.help.page')] = (page) => printed.stdout.push(page)
  const {stderr, stdout} = process
  const stdoutWrite = stdout.write
  const stderrWrite = stderr.write
  stdout.write = function (chunk, ...rest) {
    printed.stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return stdoutWrite.call(this, chunk, ...rest)
  }
  stderr.write = function (...args) {
    printed.stderr = true
    return stderrWrite.apply(this, args)
  }
  return printed
}

/** oclif runs the command line (`answer.save`: keep the help page it prints). */
async function runOclif(pjson, boot, answer) {
  // An unbuilt checkout (npm ci, no build yet): one line instead of ERR_MODULE_NOT_FOUND's stack. Checked only when
  // dist/boot.cjs could not be loaded, so a built CLI pays nothing for it.
  if (!boot && !existsSync(join(root, 'dist'))) {
    process.stderr.write('groq: dist/ is missing; run npm run build\n')
    process.exitCode = 1
    return
  }
  // Node 22+ caches what it compiles of dist/'s ES modules (commands, src/lib) when asked to; the bundles have
  // their own cache (src/lib/boot/bundle.ts), which holds more. Node 20 has no such switch.
  const {enableCompileCache} = require('node:module')
  const cacheDir = boot?.groqCacheDir()
  if (cacheDir) enableCompileCache?.(join(cacheDir, 'compile-cache'))
  const {loadOclif, registerOclif} = require('./oclif.js')
  // Our commands, hooks and help class from the build's bundle of dist/ (src/lib/boot/app.ts), except with --debug,
  // whose stack traces then name dist/'s own files.
  const argv = process.argv.slice(2)
  const debug = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined).includes('--debug')
  const importer = boot && !debug ? boot.appImporter(join(root, 'dist'), {cacheDir}) : undefined
  const oclif = loadOclif({cacheDir, importer})
  if (oclif) registerOclif(oclif, root)
  // Without dist/oclif (built by tsc alone) this is stock oclif, from node_modules.
  const {Config} = oclif ? oclif.modules['./config']() : await import('@oclif/core')
  const {execute} = oclif ? oclif.modules['./execute']() : await import('@oclif/core')

  // The package.json just read, and its directory: oclif would search for both again.
  const config = await Config.load({pjson, root})
  // A help page the build listed but has no page for this terminal: keep what oclif prints, if that is all it does.
  const printed = answer?.save ? capture() : undefined
  await execute({loadOptions: config})
  if (printed && !printed.stderr && !process.exitCode) answer.save(printed.stdout.join(''))
}

/**
 * process.stdout, or `{isTTY: false}` when file descriptor 1 is a pipe, socket or file, which the real stream would
 * say too (a character device may be a terminal: then the real one). Help is answered with the stand-in
 * (help-pages.ts asks ansis its colour level with it) and written by writeToStdout.
 */
function stdoutForHelp() {
  try {
    const stat = fstatSync(1)
    if (stat.isFIFO() || stat.isSocket() || stat.isFile()) return {isTTY: false}
  } catch {
    // fd 1 not there to look at: the real stream decides
  }
  return process.stdout
}

/**
 * Writes `text` (a string or Buffer) to file descriptor 1 without making process.stdout: for a pipe that is a net.Socket, whose modules
 * cost about a tenth of `node -e 0` (valgrind, Node 22). process.stdout writes to pipes and files synchronously on
 * Linux too, so the order of output is the same. As oclif, a reader that stopped early (EPIPE) is not an error; a
 * descriptor that would block (one the parent made non-blocking) gets the rest through process.stdout, which waits.
 */
function writeToStdout(text) {
  let data = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')
  try {
    while (data.length > 0) data = data.subarray(writeSync(1, data))
  } catch (error) {
    if (error?.code === 'EPIPE') return
    if (error?.code !== 'EAGAIN') throw error
    process.stdout.on('error', (error) => {
      if (error?.code !== 'EPIPE') throw error
    })
    process.stdout.write(data)
  }
}

async function main() {
  const argv = process.argv.slice(2)
  const pjson = readJson(join(root, 'package.json'))
  let boot
  let version // the line --version prints
  let stdout // process.stdout, or {isTTY: false} when fd 1 is certainly not a terminal (stdoutForHelp)
  let answer // {page}: a help page; {save}: keep the help page oclif prints
  try {
    const versionFlags = new Set(['--version', ...(pjson.oclif?.additionalVersionFlags ?? [])])
    // main.run: `--version` (or an additionalVersionFlags entry) as the first argument, before any help flag.
    if (versionFlags.has(argv[0])) {
      if (!oclifDoesMore(pjson)) version = (await userAgent(pjson)) + '\n'
    } else if (mayBeHelp(argv, pjson) && !oclifDoesMore(pjson)) {
      boot = loadBoot()
      stdout = stdoutForHelp()
      answer = boot?.lookupHelp({argv, env: process.env, root, stdout, userAgent: await userAgent(pjson)})
    }
  } catch {
    answer = undefined // anything unexpected (an unreadable plugin package.json, say): oclif decides
  }
  if (version !== undefined) return writeToStdout(version)
  if (answer?.page === undefined) return runOclif(pjson, boot ?? loadBoot(), answer)
  if (!stdout.isTTY) return writeToStdout(answer.page)
  // As oclif (command.js): a reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (error) => {
    if (error?.code !== 'EPIPE') throw error
  })
  // On a terminal, a help page taller than it goes through the pager (src/lib/ux/pager.ts), as command output does.
  const page = String(answer.page)
  if (page.split('\n').length > (process.stdout.rows ?? 24)) {
    const {pagerCommand, writePaged} = await import('../dist/lib/ux/pager.js')
    const io = {env: process.env, stderr: process.stderr, stdin: process.stdin, stdout: process.stdout}
    await writePaged(io, page, pagerCommand(io, argv.includes('--no-pager')))
  } else process.stdout.write(answer.page)
}

main()
