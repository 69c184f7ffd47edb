// @oclif/core as the build bundled it (scripts/bundle-oclif.mjs): one file instead of ~160, compiled with a V8 code
// cache (the build's, or this machine's own for another Node: src/lib/boot/bundle.ts). bench/STARTUP.md and
// bench/PERF.md have the figures.
import {realpathSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {loadBundle} from '../dist/lib/boot/bundle.js'

const BUNDLE = fileURLToPath(new URL('../dist/oclif/core.cjs', import.meta.url))

/**
 * Evaluates dist/oclif/core.cjs (with dist/lib/boot/bundle.js, as the groq-sdk bundle is) and returns its exports:
 * `modules[subpath]()` is what `require('@oclif/core' + subpath)` would return, `names[subpath]` its export names,
 * `script` the compiled script, `cache` the code cache it was compiled with. Undefined when the build did not bundle
 * oclif. `cacheDir`: where this process may keep a code cache of its own (see loadBundle).
 */
export function loadOclif({cacheDir, codeCache = true} = {}) {
  const bundle = loadBundle(BUNDLE, {cacheDir, codeCache})
  return bundle && {...bundle.exports, cache: bundle.cache, script: bundle.script}
}

/** Where `require.resolve(id)` from root finds it; a direct dependency is usually right there (the first
 * require.resolve in a process costs ~4 ms). */
function resolveFrom(root, id) {
  try {
    return realpathSync(new URL(`node_modules/${id}`, root))
  } catch {
    return createRequire(new URL('package.json', root)).resolve(id)
  }
}

/**
 * Puts the bundle in require.cache under the file names of @oclif/core's entry points (lib/index.js, lib/execute.js,
 * ...). An `import ... from '@oclif/core'` (dist/commands, oclif's plugins) then takes its exports from there instead
 * of loading node_modules/@oclif/core, so the whole CLI runs on one copy of oclif. Each export is read from the
 * bundle when first used.
 */
export function registerOclif(oclif, root) {
  const packageRoot = dirname(resolveFrom(root, '@oclif/core/package.json'))
  for (const [subpath, names] of Object.entries(oclif.names)) {
    const filename = join(packageRoot, oclif.files[subpath])
    if (Module._cache[filename]) continue
    const module = new Module(filename)
    module.filename = filename
    module.paths = Module._nodeModulePaths(dirname(filename))
    Object.defineProperty(module.exports, '__esModule', {value: true})
    for (const name of names) {
      Object.defineProperty(module.exports, name, {enumerable: true, get: () => oclif.modules[subpath]()[name]})
    }
    module.loaded = true
    Module._cache[filename] = module
  }
}
