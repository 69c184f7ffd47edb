#!/usr/bin/env node
// Build step (after tsc): bundles @oclif/core and its dependencies into one CommonJS file, dist/oclif/core.cjs,
// and records V8's code cache for it (dist/oclif/core.cjs.v8cache) by running `--help` once in this process.
// bin/oclif.js loads the bundle instead of ~160 files from node_modules/@oclif/core, and registers it under
// @oclif/core's own file names so that our commands and oclif's plugins import this one copy. dist/ is otherwise
// tsc's output, unchanged. One line of oclif changes in the bundle: Plugin#load sorts commands with
// src/lib/boot/command-order.ts (same order, without building ICU's collator). Figures: bench/STARTUP.md, bench/PERF.md.
//
//   node scripts/bundle-oclif.mjs
import {build} from 'esbuild'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {nodeTarget} from './node-target.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(join(root, 'package.json'))
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const corePjson = require('@oclif/core/package.json')
const outfile = join(root, 'dist', 'oclif', 'core.cjs')

// Every public entry point of @oclif/core ('.', './execute', './flags', ...) with its file and export names, so that
// bin/oclif.js can stand in for each file without evaluating anything before it is used.
const entries = Object.keys(corePjson.exports).filter((subpath) => !subpath.endsWith('.json'))
const specifier = (subpath) => (subpath === '.' ? '@oclif/core' : `@oclif/core/${subpath.slice(2)}`)
const names = Object.fromEntries(entries.map((subpath) => [subpath, Object.keys(require(specifier(subpath)))]))
const files = Object.fromEntries(entries.map((subpath) => [subpath, corePjson.exports[subpath]]))
const entry = [
  `exports.version = ${JSON.stringify(corePjson.version)}`,
  `exports.names = ${JSON.stringify(names)}`,
  `exports.files = ${JSON.stringify(files)}`,
  'exports.modules = {',
  ...entries.map((subpath) => `  ${JSON.stringify(subpath)}: () => require(${JSON.stringify(specifier(subpath))}),`),
  '}',
].join('\n')

// V8 drops a code cache when the compiled script imports dynamically (Node 20: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING
// once the cache is used), so the bundle's import(url) calls (oclif's module loader, lilconfig) go through
// __groqImport, which bin/oclif.js passes in: an import() from an ES module. Literal imports are bundled.
const DYNAMIC_IMPORT = /\bimport\((?![\s'"`)])/g
const rewritten = []
// Plugin#load sorts commands with localeCompare, whose first call builds ICU's collator (~8 ms on every run);
// src/lib/boot/command-order.ts gives the same order without it whenever it can (injected below).
const SORT = '.sort((a, b) => a.id.localeCompare(b.id));'
const PLUGIN = /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/
let sortsReplaced = 0
const dynamicImports = {
  name: 'dynamic-imports',
  setup(build) {
    build.onLoad({filter: /[\\/]node_modules[\\/].*\.c?js$/}, (args) => {
      let text = readFileSync(args.path, 'utf8')
      if (PLUGIN.test(args.path)) {
        if (text.split(SORT).length !== 2) throw new Error(`${args.path}: expected one ${SORT}`)
        text = text.replace(SORT, '.sort((a, b) => compareCommandIds(a.id, b.id));')
        sortsReplaced++
      }
      const count = text.match(DYNAMIC_IMPORT)?.length ?? 0
      if (count === 0) return PLUGIN.test(args.path) ? {contents: text, loader: 'js'} : undefined
      rewritten.push(`${args.path.slice(args.path.lastIndexOf('node_modules'))} (${count})`)
      return {contents: text.replace(DYNAMIC_IMPORT, '__groqImport('), loader: 'js'}
    })
  },
}

rmSync(join(root, 'dist', 'oclif'), {force: true, recursive: true})
const result = await build({
  // Loaded with require() instead (no bin/oclif.js), import() works as it is.
  banner: {
    js: "var __groqImport = typeof __groqImport === 'function' ? __groqImport : (specifier) => import(specifier);",
  },
  bundle: true,
  // oclif requires a TypeScript compiler only for plugins in development, never in a built CLI.
  external: ['typescript', 'ts-node', 'tsx', 'tsx/*'],
  format: 'cjs',
  inject: [join(root, 'dist', 'lib', 'boot', 'command-order.js')],
  legalComments: 'eof',
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: 'warning',
  metafile: true,
  outfile,
  platform: 'node',
  plugins: [dynamicImports],
  stdin: {contents: entry, loader: 'js', resolveDir: root, sourcefile: 'oclif-entry.cjs'},
  target: nodeTarget(pjson),
})
if (sortsReplaced !== 1) throw new Error('@oclif/core/lib/config/plugin.js: the command sort was not replaced')
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
const inputs = Object.keys(result.metafile.inputs).length
console.log(
  `bundled @oclif/core ${corePjson.version}: ${inputs} files into dist/oclif/core.cjs (${(bytes / 1024).toFixed(0)} KiB)`,
)
console.log(`import() through bin/oclif.js: ${rewritten.join(', ') || 'none'}`)

// The code cache: what V8 compiled while showing the root help, saved for the next start (used only by the same
// Node/V8 version; any other rejects it and compiles as usual).
const {loadOclif} = await import('../bin/oclif.js')
const oclif = loadOclif({codeCache: false})
const write = process.stdout.write
process.stdout.write = () => true
try {
  await oclif.modules['.']().execute({args: ['--help'], dir: join(root, 'bin', 'run.js')})
} finally {
  process.stdout.write = write
}
writeFileSync(`${outfile}.v8cache`, oclif.script.createCachedData())
console.log(`code cache for node ${process.version}: dist/oclif/core.cjs.v8cache`)
