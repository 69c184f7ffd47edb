// @oclif/core as the build bundled it (scripts/bundle-oclif.mjs): one file instead of ~160, compiled with a V8 code
// cache (the build's, or this machine's own for another Node: src/lib/boot/bundle.ts). bench/STARTUP.md and
// bench/PERF.md have the figures. CommonJS, as bin/run.js (bin/package.json).
'use strict'
const {realpathSync} = require('node:fs')
const Module = require('node:module')
const {dirname, join} = require('node:path')
const {pathToFileURL} = require('node:url')

const BUNDLE = join(__dirname, '..', 'dist', 'oclif', 'core.cjs')

/**
 * Evaluates dist/oclif/core.cjs (with src/lib/boot/bundle.ts, from dist/boot.cjs) and returns its exports:
 * `modules[subpath]()` is what `require('@oclif/core' + subpath)` would return, `names[subpath]` its export names,
 * `script` the compiled script, `cache` the code cache it was compiled with. Undefined when the build did not bundle
 * oclif. `cacheDir`: where this process may keep a code cache of its own; `importer`: oclif's import() (loadBundle).
 */
function loadOclif({cacheDir, codeCache = true, importer} = {}) {
  let boot
  try {
    boot = require('../dist/boot.cjs')
  } catch {
    return undefined // built by tsc alone
  }
  const bundle = boot.loadBundle(BUNDLE, {cacheDir, codeCache, importer})
  return bundle && {...bundle.exports, cache: bundle.cache, script: bundle.script}
}

/** Where `require.resolve(id)` from root finds it; a direct dependency is usually right there (the first
 * require.resolve in a process costs ~4 ms). */
function resolveFrom(root, id) {
  try {
    return realpathSync(new URL(`node_modules/${id}`, root))
  } catch {
    return Module.createRequire(new URL('package.json', root)).resolve(id)
  }
}

/**
 * Puts the bundle in require.cache under the file names of @oclif/core's entry points (lib/index.js, lib/execute.js,
 * ...). An `import ... from '@oclif/core'` (dist/commands, oclif's plugins) then takes its exports from there instead
 * of loading node_modules/@oclif/core, so the whole CLI runs on one copy of oclif. Each export is read from the
 * bundle when first used. `root`: the package root, as a path or a file URL.
 */
function registerOclif(oclif, root) {
  const rootUrl = typeof root === 'string' ? pathToFileURL(join(root, '/')) : root
  const packageRoot = dirname(resolveFrom(rootUrl, '@oclif/core/package.json'))
  // The lookup paths of each folder, computed once: the entry points share a few folders, and each computation is a
  // walk up the tree with path.resolve (~2-4 ms for all of them on Node 22 when computed per file).
  const lookupPaths = new Map()
  for (const [subpath, names] of Object.entries(oclif.names)) {
    const filename = join(packageRoot, oclif.files[subpath])
    if (Module._cache[filename]) continue
    const module = new Module(filename)
    module.filename = filename
    const folder = dirname(filename)
    if (!lookupPaths.has(folder)) lookupPaths.set(folder, Module._nodeModulePaths(folder))
    module.paths = [...lookupPaths.get(folder)]
    Object.defineProperty(module.exports, '__esModule', {value: true})
    for (const name of names) {
      Object.defineProperty(module.exports, name, {enumerable: true, get: () => oclif.modules[subpath]()[name]})
    }
    module.loaded = true
    Module._cache[filename] = module
  }
}

module.exports = {loadOclif, registerOclif}
