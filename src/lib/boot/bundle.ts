import {existsSync, readFileSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import {dirname} from 'node:path'
import vm from 'node:vm'

/**
 * Loads a CommonJS bundle the build made (dist/oclif/core.cjs, dist/vendor/groq-sdk.cjs): one file instead of a
 * package's many, compiled with the code cache V8 left at build time when this Node can use it. bench/STARTUP.md
 * and bench/PERF.md have the figures.
 */
export interface LoadedBundle<T> {
  exports: T
  /** The compiled script (Node 20), for the build to save its code cache; undefined when the bundle was required. */
  script: vm.Script | undefined
}

/**
 * Evaluates the bundle at `file` and returns its exports, or undefined when the build did not make it. On Node 22+
 * the bundle is simply required (Node's own compile cache, enabled in bin/run.js, covers it); on Node 20 it is
 * compiled as a vm.Script with the code cache saved next to it (`<file>.v8cache`), which V8 rejects, compiling
 * normally, on any other Node/V8.
 *
 * The bundle sees the CommonJS wrapper's arguments plus `__groqImport`: an import() from this ES module. V8 drops the
 * code cache of a script that imports dynamically (Node 20: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING once the cache
 * is used), so a bundle's import(url) calls are rewritten to go through it (scripts/bundle-oclif.mjs).
 */
export function loadBundle<T>(
  file: string,
  {codeCache = true}: {codeCache?: boolean} = {},
): LoadedBundle<T> | undefined {
  if (!existsSync(file)) return undefined
  if (codeCache && 'enableCompileCache' in Module)
    return {exports: createRequire(import.meta.url)(file) as T, script: undefined}
  const source = readFileSync(file, 'utf8')
  let cachedData: Buffer | undefined
  if (codeCache) {
    try {
      cachedData = readFileSync(`${file}.v8cache`)
    } catch {
      cachedData = undefined // no cache: compile as usual
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, __groqImport) {${source}\n})`
  const script = new vm.Script(wrapper, {cachedData, filename: file})
  const module = new Module(file)
  module.filename = file
  module.paths = (Module as unknown as {_nodeModulePaths(from: string): string[]})._nodeModulePaths(dirname(file))
  const load = script.runInThisContext() as (...args: unknown[]) => void
  load.call(
    module.exports,
    module.exports,
    createRequire(file),
    module,
    file,
    dirname(file),
    (specifier: string) => import(specifier),
  )
  module.loaded = true
  return {exports: module.exports as T, script}
}
