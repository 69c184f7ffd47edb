// Shared by scripts/bundle-oclif.mjs and scripts/bundle-groq-sdk.mjs: recording a bundle's V8 code cache.
//
// V8 rejects a code cache made under other V8 flags (its flag hash differs), silently: a build run with, say,
// NODE_OPTIONS=--max-old-space-size=4096 (common in CI) would record a cache every flagless `groq` rejects. So the
// recording runs in this process only when it has no V8 flags; otherwise the build warns and records in a child
// process without them. The file written has the header src/lib/boot/code-cache.ts checks before V8 sees it.
import {execFileSync, spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

/** The V8 flags (not Node's own options) among `node` command-line words, e.g. ['--max-old-space-size=4096']. */
export function v8Flags(words) {
  if (words.length === 0) return []
  const known = new Set(
    [...execFileSync(process.execPath, ['--v8-options'], {encoding: 'utf8'}).matchAll(/^\s+--([\w-]+)/gm)].map(
      ([, name]) => name.replaceAll('_', '-'),
    ),
  )
  return words.filter((word) => {
    const name = /^--(?:no-)?([\w-]+)/.exec(word)?.[1]?.replaceAll('_', '-')
    return name !== undefined && (known.has(name) || known.has(`no-${name}`))
  })
}

const nodeOptionWords = () => (process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)

/**
 * True when this process may record (no V8 flags). Otherwise warns, runs `script --record-only` without them (it
 * records the cache of the bundle it already wrote) and returns false.
 */
export function mayRecordHere(script) {
  const flags = v8Flags([...process.execArgv, ...nodeOptionWords()])
  if (flags.length === 0) return true
  console.warn(
    `warning: V8 flags in NODE_OPTIONS or on the command line (${flags.join(' ')}): V8 rejects a code cache ` +
      'recorded under other flags, so the cache is recorded in a child process without them. A groq run with ' +
      'them rejects the build’s cache and keeps its own ($XDG_CACHE_HOME/groq/code-cache).',
  )
  const env = {
    ...process.env,
    NODE_OPTIONS: nodeOptionWords()
      .filter((word) => !flags.includes(word))
      .join(' '),
  }
  const child = spawnSync(process.execPath, [fileURLToPath(script), '--record-only'], {env, stdio: 'inherit'})
  if (child.status !== 0) throw new Error(`${fileURLToPath(script)} --record-only exited ${child.status}`)
  return false
}

/** Writes `<bundle>.v8cache`: what V8 compiled of `script` so far, with the header bundle.ts checks. */
export async function writeCodeCache(bundle, script) {
  const {crc32, encodeCache} = await import('../dist/lib/boot/code-cache.js')
  writeFileSync(`${bundle}.v8cache`, encodeCache(script.createCachedData(), crc32(readFileSync(bundle))))
}

/**
 * Rewrites each non-ASCII character of a bundle as a \\uXXXX escape, so that the file is ASCII: bundle.ts then reads
 * it as a one-byte string (a single such character makes a two-byte string of the whole file: twice the memory, and
 * UTF-8 decoding on every start). esbuild already escapes them in strings and names; it leaves them in regular
 * expression literals (@oclif/core: ansis's strip pattern has a raw U+009B), where the escape means the same character
 * as long as the expression has no u flag. Returns the context of each change, for the build to print.
 */
export function escapeNonAscii(file) {
  const text = readFileSync(file, 'utf8')
  const changed = []
  const escaped = text.replace(/[^\0-\x7f]/g, (char, offset) => {
    changed.push(text.slice(Math.max(0, offset - 24), offset + 8).replaceAll(/\s+/g, ' '))
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
  if (changed.length > 0) writeFileSync(file, escaped)
  return changed
}
