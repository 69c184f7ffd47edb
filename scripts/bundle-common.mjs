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
