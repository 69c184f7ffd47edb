#!/usr/bin/env node
// `groq --version` is answered here, without loading @oclif/core (loading it costs more than starting node).
// The answer is the string oclif prints (Config#userAgent), built from the same inputs; anything this file is not
// sure about goes to oclif, which bin/oclif.js loads from the build's bundle. test/e2e/startup.e2e.test.ts compares
// the answers with stock oclif; bench/STARTUP.md has the figures.
import {existsSync, readFileSync} from 'node:fs'
import {arch, platform, release} from 'node:os'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = new URL('..', import.meta.url)
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

/** oclif's answer to `--version`, or undefined when only oclif itself can give it. */
async function fastVersion(argv, pjson) {
  // DEBUG=* makes oclif log while it answers; NODE_ENV=development|test loads devPlugins (which may hook init).
  if (process.env.DEBUG || ['development', 'test'].includes(process.env.NODE_ENV ?? '')) return undefined
  const oclif = pjson.oclif ?? {}
  // main.run: `--version` (or an additionalVersionFlags entry) as the first argument, except in a single-command CLI.
  if (!new Set(['--version', ...(oclif.additionalVersionFlags ?? [])]).has(argv[0])) return undefined
  if (oclif.commands?.strategy === 'single') return undefined
  // `init` hooks run before the version is printed: any plugin with one (or with plugins of its own) means oclif.
  if (oclif.hooks?.init) return undefined
  for (const name of oclif.plugins ?? []) {
    if (/[*?[\]{}!]/.test(name) || !(name in (pjson.dependencies ?? {}))) return undefined
    const plugin = readJson(new URL(`node_modules/${name}/package.json`, root))
    if (plugin.oclif?.hooks?.init || plugin.oclif?.plugins) return undefined
  }
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

let pjson
let version
try {
  pjson = readJson(new URL('package.json', root))
  version = await fastVersion(process.argv.slice(2), pjson)
} catch {
  version = undefined // anything unexpected (an unreadable package.json, an unresolvable module): oclif decides
}

if (version === undefined) {
  // Node 22+ caches compiled code itself (Node 20 has no such switch; bin/oclif.js brings a cache of its own).
  const {enableCompileCache} = await import('node:module')
  enableCompileCache?.()
  const {loadOclif, registerOclif} = await import('./oclif.js').catch((error) => {
    // An unbuilt checkout (npm ci, no build yet): one line instead of ERR_MODULE_NOT_FOUND's stack. Checked only
    // after the import failed, so a built CLI pays nothing for it.
    if (existsSync(new URL('dist', root))) throw error
    process.stderr.write('groq: dist/ is missing; run npm run build\n')
    process.exit(1)
  })
  const oclif = loadOclif()
  if (oclif) registerOclif(oclif, root)
  // Without dist/oclif (built by tsc alone) this is stock oclif, from node_modules.
  const {Config} = oclif ? oclif.modules['./config']() : await import('@oclif/core')
  const {execute} = oclif ? oclif.modules['./execute']() : await import('@oclif/core')

  // @oclif/plugin-not-found asks "Did you mean …?" when stdin is a TTY. When nobody can answer (no TTY, CI, --no-input)
  // it prints two lines and exits 127; without it an unknown command is a usage error like any other: one line, exit 2.
  // It is left out of the plugin list before oclif loads the plugins (loading it costs ~5 ms for nothing).
  const ci = process.env.CI !== undefined && !/^(|0|false)$/i.test(process.env.CI)
  const prompts = process.stdin.isTTY && !ci && !process.argv.includes('--no-input')
  let config
  if (pjson?.oclif) {
    if (!prompts) pjson.oclif.plugins = pjson.oclif.plugins?.filter((name) => name !== '@oclif/plugin-not-found')
    // The package.json just read, and its directory: oclif would search for both again.
    config = await Config.load({pjson, root: fileURLToPath(root).replace(/[\\/]$/, '')})
  } else {
    config = await Config.load(import.meta.url)
    if (!prompts) config.plugins.delete('@oclif/plugin-not-found')
  }
  await execute({loadOptions: config})
} else {
  process.stdout.write(version + '\n')
}
