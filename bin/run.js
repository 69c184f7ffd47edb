#!/usr/bin/env node
// `groq --version` and the help pages are answered here, without loading @oclif/core (loading it costs more than
// starting node). `--version` is the string oclif prints (Config#userAgent), built from the same inputs; help is the
// page oclif rendered at build time for the same command line and terminal (src/lib/boot/help-pages.ts). Anything
// this file is not sure about goes to oclif, which bin/oclif.js loads from the build's bundle.
// test/e2e/startup.e2e.test.ts and help-pages.e2e.test.ts compare the answers with stock oclif; bench/PERF.md has
// the figures.
import {existsSync, readFileSync} from 'node:fs'
import {arch, platform, release} from 'node:os'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = new URL('..', import.meta.url)
const rootPath = fileURLToPath(root).replace(/[\\/]$/, '')
const readJson = (url) => JSON.parse(readFileSync(url, 'utf8'))

/** Every sign is-wsl (behind wsl-utils) checks before it can answer true; none of them means "not WSL". */
function maybeWsl() {
  const says = (text) => text.toLowerCase().includes('microsoft')
  try {
    if (says(release()) || says(readFileSync('/proc/version', 'utf8'))) return true
  } catch {
    // no /proc/version: is-wsl goes on to the paths below
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
    const plugin = readJson(new URL(`node_modules/${name}/package.json`, root))
    if (plugin.oclif?.hooks?.init || plugin.oclif?.plugins) return true
  }
  return false
}

/** oclif's Config#userAgent, e.g. `groq-cli/0.1.0 linux-x64 node-v20.20.2`. */
async function userAgent(pjson) {
  // Config#load: the platform is `wsl` when wsl-utils says so (imported from @oclif/core, as oclif does). It
  // can only say so on Linux with one of the signs is-wsl looks for; without them, loading it is wasted time.
  let os = platform()
  if (os === 'linux' && maybeWsl()) {
    const {createRequire} = await import('node:module')
    const requireFromRoot = createRequire(new URL('package.json', root))
    const requireFromCore = createRequire(requireFromRoot.resolve('@oclif/core'))
    if ((await import(pathToFileURL(requireFromCore.resolve('wsl-utils')).href)).isWsl) os = 'wsl'
  }
  const cpu = arch() === 'ia32' ? 'x86' : arch()
  return `${pjson.name}/${pjson.version || '0.0.0'} ${os}-${cpu} node-${process.version}`
}

/** Whether oclif would show help for argv (main.run: no arguments, a help flag, `help`) or maybe a topic's page. */
function mayBeHelp(argv, pjson) {
  const helpFlags = ['--help', ...(pjson.oclif?.additionalHelpFlags ?? [])]
  return argv.length <= 1 || argv[0] === 'help' || argv.some((word) => helpFlags.includes(word))
}

const argv = process.argv.slice(2)
let pjson
let answer // {text} for --version, or the help page; {save} to keep oclif's help page
try {
  pjson = readJson(new URL('package.json', root))
  const versionFlags = new Set(['--version', ...(pjson.oclif?.additionalVersionFlags ?? [])])
  // main.run: `--version` (or an additionalVersionFlags entry) as the first argument, before any help flag.
  if (versionFlags.has(argv[0])) {
    if (!oclifDoesMore(pjson)) answer = {page: (await userAgent(pjson)) + '\n'}
  } else if (mayBeHelp(argv, pjson) && !oclifDoesMore(pjson)) {
    const {lookupHelp} = await import('../dist/lib/boot/help-pages.js')
    answer = lookupHelp({
      argv,
      env: process.env,
      root: rootPath,
      stdout: process.stdout,
      userAgent: await userAgent(pjson),
    })
  }
} catch {
  answer = undefined // anything unexpected (an unreadable package.json, no dist/): oclif decides
}

if (answer?.page === undefined) {
  const {groqCacheDir} = await import('../dist/lib/boot/code-cache.js').catch((error) => {
    // An unbuilt checkout (npm ci, no build yet): one line instead of ERR_MODULE_NOT_FOUND's stack. Checked only
    // after the import failed, so a built CLI pays nothing for it.
    if (existsSync(new URL('dist', root))) throw error
    process.stderr.write('groq: dist/ is missing; run npm run build\n')
    process.exit(1)
  })
  // Node 22+ caches what it compiles of dist/'s ES modules (commands, src/lib) when asked to; the bundles have
  // their own cache (src/lib/boot/bundle.ts), which holds more. Node 20 has no such switch.
  const {enableCompileCache} = await import('node:module')
  enableCompileCache?.(`${groqCacheDir()}/compile-cache`)
  const {loadOclif, registerOclif} = await import('./oclif.js')
  const oclif = loadOclif({cacheDir: groqCacheDir()})
  if (oclif) registerOclif(oclif, root)
  // Without dist/oclif (built by tsc alone) this is stock oclif, from node_modules.
  const {Config} = oclif ? oclif.modules['./config']() : await import('@oclif/core')
  const {execute} = oclif ? oclif.modules['./execute']() : await import('@oclif/core')

  // The package.json just read, and its directory: oclif would search for both again.
  const config = await Config.load(pjson?.oclif ? {pjson, root: rootPath} : import.meta.url)
  // A help page the build listed but has no page for this terminal: keep what oclif prints, if that is all it does.
  const printed = answer?.save ? capture() : undefined
  await execute({loadOptions: config})
  if (printed && !printed.stderr && !process.exitCode) answer.save(printed.stdout.join(''))
} else {
  // As oclif (command.js): a reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (error) => {
    if (error?.code !== 'EPIPE') throw error
  })
  // On a terminal, a help page taller than it goes through the pager (src/lib/ux/pager.ts), as command output does.
  const page = process.stdout.isTTY ? String(answer.page) : undefined
  if (page !== undefined && page.split('\n').length > (process.stdout.rows ?? 24)) {
    const {pagerCommand, writePaged} = await import('../dist/lib/ux/pager.js')
    const io = {env: process.env, stderr: process.stderr, stdin: process.stdin, stdout: process.stdout}
    await writePaged(io, page, pagerCommand(io, argv.includes('--no-pager')))
  } else process.stdout.write(answer.page)
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
