import {isAscii} from 'node:buffer'
import Module, {createRequire} from 'node:module'
import {dirname} from 'node:path'
import vm from 'node:vm'

import {
  type CacheProblem,
  crc32,
  decodeCache,
  encodeCache,
  readIfPresent,
  removeIfPresent,
  runtimeCachePath,
  writeAtomically,
} from './code-cache.js'

/**
 * Loads a CommonJS bundle the build made (dist/oclif/core.cjs, dist/vendor/groq-sdk.cjs): one file instead of a
 * package's many, compiled as a vm.Script with a V8 code cache when one fits. bench/STARTUP.md and bench/PERF.md
 * have the figures.
 */
export interface LoadedBundle<T> {
  exports: T
  /** The compiled script, for the build to save its code cache. */
  script: vm.Script
  /** The code cache V8 compiled the bundle with: the build's, this machine's own (`cacheDir`), or none. */
  cache: 'build' | 'none' | 'runtime'
}

export interface LoadOptions {
  /** false: compile without any code cache and keep none (the build, which records its own). Default true. */
  codeCache?: boolean
  /** The bundle's import(): an import from this module unless given (bin/run.js gives oclif's: src/lib/boot/app.ts). */
  importer?: (specifier: string) => Promise<unknown>
  /**
   * Where this process may keep a code cache of its own (`$XDG_CACHE_HOME/groq`, see code-cache.ts), for when the
   * build's cache does not fit (made by another Node version, rejected by V8 under other flags, damaged): used
   * first, and written at exit when no cache was usable. Without it only the build's cache is used.
   */
  cacheDir?: string
  /**
   * What this run used of the bundle, asked at exit (app.ts: the modules loaded). When this machine's own cache was
   * made by a run that used less, a fuller one is written: it holds what V8 compiled then and now. A name ending in
   * `?` was used by a run that failed, so only partly (flags rejected, no API key): a run that uses it and succeeds
   * writes a fuller cache once, a failing run is covered by either.
   */
  covers?: () => readonly string[]
  /** When to write this machine's cache (default: as the process exits; tests call it themselves). */
  atExit?: (write: () => void) => void
}

const PROBLEMS: Record<CacheProblem, string> = {
  damaged: 'damaged (length or checksum), ignored',
  'other-node': 'made by another Node version, ignored',
  stale: 'made for another build of the bundle, ignored',
}

/**
 * Evaluates the bundle at `file` and returns its exports, or undefined when the build did not make it.
 *
 * The cache: this machine's own (if `cacheDir` is given and it has one), else the build's (`<file>.v8cache`, made
 * by the Node that built; bench/PERF.md: Node 22+'s own compile cache holds only the code compiled before a module
 * runs, this one everything a whole run compiled). Each is checked (code-cache.ts) before V8 sees it; a missing,
 * stale, other-version, damaged or rejected cache is passed over, never fatal, and with `cacheDir` a new one is
 * written when the process exits. `--debug` tells when a cache was passed over.
 *
 * The bundle sees the CommonJS wrapper's arguments plus `__groqImport`: an import() from this ES module. V8 drops the
 * code cache of a script that imports dynamically (Node 20: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING once the cache
 * is used), so a bundle's import(url) calls are rewritten to go through it (scripts/bundle-oclif.mjs).
 */
export function loadBundle<T>(
  file: string,
  {
    atExit = (write) => process.once('exit', write),
    cacheDir,
    codeCache = true,
    covers,
    importer = (specifier) => import(specifier),
  }: LoadOptions = {},
): LoadedBundle<T> | undefined {
  const source = readIfPresent(file)
  if (!source) return undefined
  let cachedData: Buffer | undefined
  let cache: LoadedBundle<T>['cache'] = 'none'
  let covered: readonly string[] = []
  const sourceCrc = codeCache ? crc32(source) : 0
  const ownPath = codeCache && cacheDir ? runtimeCachePath(file, cacheDir) : undefined
  if (ownPath) {
    const own = readIfPresent(ownPath)
    const decoded = own && decodeCache(own, sourceCrc)
    if (decoded?.body) [cachedData, cache, covered] = [decoded.body, 'runtime', decoded.covers]
    else if (decoded) {
      debugNote(`${ownPath}: ${PROBLEMS[decoded.problem]}`)
      removeIfPresent(ownPath)
    }
  }
  if (codeCache && !cachedData) {
    const built = readIfPresent(`${file}.v8cache`)
    const decoded = built && decodeCache(built, sourceCrc)
    if (decoded?.body) [cachedData, cache] = [decoded.body, 'build']
    else if (decoded && (decoded.problem !== 'other-node' || !ownPath)) {
      debugNote(`${file}.v8cache: ${PROBLEMS[decoded.problem]}`)
    }
  }

  // The build makes its bundles ASCII (scripts/bundle-common.mjs): read as Latin-1 they become a one-byte string
  // without UTF-8 decoding. Any other file is decoded as UTF-8.
  const text = isAscii(source) ? source.toString('latin1') : source.toString('utf8')
  const wrapper = `(function (exports, require, module, __filename, __dirname, __groqImport) {${text}\n})`
  const script = new vm.Script(wrapper, {cachedData, filename: file})
  if (cachedData && script.cachedDataRejected) {
    debugNote(
      `${cache === 'runtime' ? ownPath : `${file}.v8cache`}: rejected by V8 (other flags?), compiled without it`,
    )
    cache = 'none'
  }
  if (ownPath && (cache === 'none' || (cache === 'runtime' && covers))) {
    saveAtExit(atExit, script, ownPath, sourceCrc, () => {
      if (cache === 'none') return covers?.() ?? []
      return fullerCovers(covered, covers?.() ?? [])
    })
  }

  const module = new Module(file)
  module.filename = file
  module.paths = (Module as unknown as {_nodeModulePaths(from: string): string[]})._nodeModulePaths(dirname(file))
  const load = script.runInThisContext() as (...args: unknown[]) => void
  load.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), importer)
  module.loaded = true
  return {cache, exports: module.exports as T, script}
}

/**
 * What a new cache covers, or undefined when the one there (`covered`) already covers what this run `used`: a name
 * is covered by itself, and a partly used one (`name?`) by `name` too. A name fully covered drops its partial entry.
 */
export function fullerCovers(covered: readonly string[], used: readonly string[]): string[] | undefined {
  const has = (name: string) => covered.includes(name) || (name.endsWith('?') && covered.includes(name.slice(0, -1)))
  if (used.every(has)) return undefined
  const all = new Set([...covered, ...used])
  for (const name of all) if (name.endsWith('?') && all.has(name.slice(0, -1))) all.delete(name)
  return [...all].sort()
}

/**
 * When the process exits, saves what V8 compiled of the script during the whole run (so the next run of the same
 * command compiles nearly nothing), unless `covers` says the cache there already holds it (undefined); what it
 * returns is recorded as what the new cache covers. A cache that cannot be written is simply not kept.
 */
function saveAtExit(
  atExit: (write: () => void) => void,
  script: vm.Script,
  path: string,
  sourceCrc: number,
  covers: () => readonly string[] | undefined,
): void {
  atExit(() => {
    const covered = covers()
    if (!covered) return
    try {
      saveCodeCache(script, path, sourceCrc, covered)
      debugNote(`${path}: written for the next run`)
    } catch (error) {
      debugNote(`${path}: not written (${(error as Error).message})`)
    }
  })
}

/** Writes what V8 compiled of `script` so far to `path`, with the header code-cache.ts checks. */
export function saveCodeCache(
  script: vm.Script,
  path: string,
  sourceCrc: number,
  covers: readonly string[] = [],
): void {
  writeAtomically(path, encodeCache(script.createCachedData(), sourceCrc, {covers}))
}

/** One line on stderr when the command line asks for --debug (the loader runs before flags are parsed). */
function debugNote(message: string): void {
  const argv = process.argv.slice(2)
  const end = argv.indexOf('--')
  if ((end === -1 ? argv : argv.slice(0, end)).includes('--debug')) {
    process.stderr.write(`[debug] code cache ${message}\n`)
  }
}
