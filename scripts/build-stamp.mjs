#!/usr/bin/env node
// Is dist/ built from the current sources? `npm run build` ends with `build-stamp.mjs write`, which records a hash of
// everything the build reads (and of what it wrote) in dist/.build-stamp.json; `npm test` runs `build-stamp.mjs check`
// first and rebuilds only when that hash changed, so the edit-test loop does not pay ~20 s for an unchanged build.
// Content hashes, not mtimes: a checkout or a touch that changes nothing does not rebuild, and an edit always does.
//
//   node scripts/build-stamp.mjs write   record the stamp (the last step of `npm run build`)
//   node scripts/build-stamp.mjs check   exit 0 when dist/ is fresh, else print why and exit 1
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const STAMP = join('dist', '.build-stamp.json')

/** What the build reads. scripts/ci/ only checks a build, and bin/ is not built, so neither is an input. */
const INPUTS = ['src', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']
const NOT_INPUTS = [join('scripts', 'ci')]
/** What it writes (the committed ones too: a checkout of an older manifest must not pass as fresh). */
const OUTPUTS = ['dist', 'oclif.manifest.json', join('docs', 'commands.md')]

/** The files at `path` (relative to root): itself, or every file under it; none when it does not exist. */
function files(root, path, skip = []) {
  const full = join(root, path)
  if (!existsSync(full)) return []
  if (!statSync(full).isDirectory()) return [path]
  const out = []
  for (const entry of readdirSync(full, {withFileTypes: true})) {
    const child = join(path, entry.name)
    if (skip.includes(child)) continue
    out.push(...(entry.isDirectory() ? files(root, child, skip) : [child]))
  }
  return out
}

/** One sha256 over the paths and contents of `paths` (files, or folders walked), in a stable order. */
function hashOf(root, paths, skip) {
  const hash = createHash('sha256')
  const list = paths.flatMap((path) => files(root, path, skip)).sort()
  for (const path of list) {
    hash.update(`${path.split(sep).join('/')}\0`)
    hash.update(readFileSync(join(root, path)))
    hash.update('\0')
  }
  return {count: list.length, hash: hash.digest('hex')}
}

/**
 * The stamp for the tree as it is now. The Node version is an input: the build saves V8 code caches that only the
 * Node which made them accepts.
 */
export function currentStamp(root = ROOT) {
  return {
    inputs: hashOf(root, INPUTS, NOT_INPUTS).hash,
    node: process.version,
    outputs: hashOf(root, OUTPUTS, [STAMP]).hash,
  }
}

/** Why dist/ is not a build of the current tree, or undefined when it is. */
export function staleReason(root = ROOT) {
  let recorded
  try {
    recorded = JSON.parse(readFileSync(join(root, STAMP), 'utf8'))
  } catch {
    return existsSync(join(root, 'dist')) ? `no build stamp (${STAMP})` : 'dist/ is missing'
  }
  const now = currentStamp(root)
  if (recorded.node !== now.node) return `built by Node ${recorded.node}, this is ${now.node}`
  if (recorded.inputs !== now.inputs)
    return 'src/, scripts/, package.json, package-lock.json or tsconfig changed since the last build'
  if (recorded.outputs !== now.outputs) return 'dist/, oclif.manifest.json or docs/commands.md changed since the build'
  return undefined
}

export function writeStamp(root = ROOT) {
  writeFileSync(join(root, STAMP), JSON.stringify(currentStamp(root), null, 2) + '\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mode = process.argv[2]
  if (mode === 'write') {
    writeStamp()
  } else if (mode === 'check') {
    const reason = staleReason()
    if (reason) {
      process.stderr.write(`build: ${reason}; building\n`)
      process.exitCode = 1
    } else {
      process.stderr.write(`build: dist/ is fresh (no build input changed since the last build); not rebuilding\n`)
    }
  } else {
    process.stderr.write('usage: node scripts/build-stamp.mjs write|check\n')
    process.exitCode = 2
  }
}
