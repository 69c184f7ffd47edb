import {mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

import type * as Zlib from 'node:zlib'

/**
 * The files V8 code caches are kept in, by the build (`<bundle>.v8cache`) and at run time (under
 * `$XDG_CACHE_HOME/groq/code-cache/`, for a Node the build's cache is not for). V8 checks a cache's version, flags
 * and source length before using it, but not its body: a cache with an intact header and a damaged body crashes
 * Node (fatal error or segfault). So each file carries its own header, checked before V8 sees the body:
 *
 *   "GROQV8C2" | body length | crc32 of the body | crc32 of the bundle's source | tag length | covers length
 *   | tag | covers | body                                                        (lengths and crc32s: u32 LE)
 *
 * The tag is the Node version and architecture the cache was made by; the source's crc32 tells a cache made for
 * another build of the bundle (same length or not) from one made for this one; `covers` lists what the run that
 * made it used (the modules of dist/app.cjs it loaded), so that a later run using more can make a fuller one.
 */
const MAGIC = Buffer.from('GROQV8C2', 'latin1')
const FIXED_HEADER = MAGIC.length + 20

// zlib.crc32 (Node 20.15+, 22.2+): a few hundred microseconds for a bundle and its cache, loaded on first use.
// getBuiltinModule (Node 20.16+) rather than a require made from this module's URL: it is also bundled as CommonJS.
let crc32Function: typeof Zlib.crc32 | undefined
export function crc32(data: Buffer | string): number {
  crc32Function ??= process.getBuiltinModule('node:zlib').crc32
  return crc32Function(data)
}

/** What a cache made by this process is tagged with: V8 rejects a cache from any other Node version. */
export const CACHE_TAG = `${process.version}-${process.arch}`

export type CacheProblem = 'damaged' | 'other-node' | 'stale'

/** A cache file's bytes: the header, then `body` (what `vm.Script#createCachedData()` returned). */
export function encodeCache(
  body: Buffer,
  sourceCrc: number,
  {covers = [], tag = CACHE_TAG}: {covers?: readonly string[]; tag?: string} = {},
): Buffer {
  const tagBytes = Buffer.from(tag, 'utf8')
  const coversBytes = Buffer.from(covers.join('\n'), 'utf8')
  const header = Buffer.alloc(FIXED_HEADER)
  MAGIC.copy(header, 0)
  header.writeUInt32LE(body.length, 8)
  header.writeUInt32LE(crc32(body), 12)
  header.writeUInt32LE(sourceCrc >>> 0, 16)
  header.writeUInt32LE(tagBytes.length, 20)
  header.writeUInt32LE(coversBytes.length, 24)
  return Buffer.concat([header, tagBytes, coversBytes, body])
}

/**
 * The body of a cache file (and what it covers), if it is whole (length and checksum), made for this source
 * (`sourceCrc`) and made by this Node (`tag`); otherwise what is wrong with it.
 */
export function decodeCache(
  data: Buffer,
  sourceCrc: number,
  tag: string = CACHE_TAG,
): {body: Buffer; covers: string[]; problem?: undefined} | {body?: undefined; problem: CacheProblem} {
  if (data.length < FIXED_HEADER || !MAGIC.equals(data.subarray(0, MAGIC.length))) return {problem: 'damaged'}
  const bodyLength = data.readUInt32LE(8)
  const tagLength = data.readUInt32LE(20)
  const coversLength = data.readUInt32LE(24)
  if (FIXED_HEADER + tagLength + coversLength + bodyLength !== data.length) return {problem: 'damaged'}
  if (data.toString('utf8', FIXED_HEADER, FIXED_HEADER + tagLength) !== tag) return {problem: 'other-node'}
  if (data.readUInt32LE(16) !== sourceCrc >>> 0) return {problem: 'stale'}
  const body = data.subarray(FIXED_HEADER + tagLength + coversLength)
  if (crc32(body) !== data.readUInt32LE(12)) return {problem: 'damaged'}
  const covers = data.toString('utf8', FIXED_HEADER + tagLength, FIXED_HEADER + tagLength + coversLength)
  return {body, covers: covers === '' ? [] : covers.split('\n')}
}

/** `$XDG_CACHE_HOME/groq` (default `~/.cache/groq`), as src/lib/core/paths.ts has it; boot/ imports nothing else. */
export function groqCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'groq')
}

/**
 * Where this process keeps its own cache of the bundle at `bundlePath`: one file per bundle location, Node version
 * and V8 flags (`execArgv`, NODE_OPTIONS: V8 rejects a cache made under other flags), so that two installs, two Node
 * versions or a CI job's `--max-old-space-size` never overwrite each other's cache at every run.
 */
export function runtimeCachePath(bundlePath: string, cacheDir: string): string {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ')
  const where = crc32(`${dirname(bundlePath)}\n${flags}`)
    .toString(16)
    .padStart(8, '0')
  const name = bundlePath.slice(dirname(bundlePath).length + 1)
  return join(cacheDir, 'code-cache', `${name}-${CACHE_TAG}-${where}.v8cache`)
}

/** Reads a file, or undefined when there is none (or it cannot be read: a cache is never worth an error). */
export function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch {
    return undefined
  }
}

/** Writes `data` to `path` through a temporary file and a rename: a reader sees the old file or the new, whole. */
export function writeAtomically(path: string, data: Buffer): void {
  mkdirSync(dirname(path), {recursive: true})
  const temporary = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, data, {mode: 0o644})
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, {force: true})
    throw error
  }
}

/** Removes a file if it is there; false if it could not be removed. */
export function removeIfPresent(path: string): boolean {
  try {
    rmSync(path, {force: true})
    return true
  } catch {
    return false
  }
}
