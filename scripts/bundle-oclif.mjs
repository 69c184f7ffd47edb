#!/usr/bin/env node
// Build step (after tsc): bundles @oclif/core and its dependencies into one CommonJS file, dist/oclif/core.cjs,
// and records V8's code cache for it (dist/oclif/core.cjs.v8cache) by running `--help` once in this process.
// bin/oclif.js loads the bundle instead of ~160 files from node_modules/@oclif/core, and registers it under
// @oclif/core's own file names so that our commands and oclif's plugins import this one copy. dist/ is otherwise
// tsc's output, unchanged. One line of oclif changes in the bundle: Plugin#load sorts commands with
// src/lib/boot/command-order.ts (same order, without building ICU's collator). Figures: bench/STARTUP.md, bench/PERF.md.
//
//   node scripts/bundle-oclif.mjs                 bundle, then record the code cache
//   node scripts/bundle-oclif.mjs --record-only   record the code cache of the bundle already built
import {build} from 'esbuild'
import {readFileSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {escapeNonAscii, mayRecordHere, writeCodeCache} from './bundle-common.mjs'
import {nodeTarget} from './node-target.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(join(root, 'package.json'))
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const corePjson = require('@oclif/core/package.json')
const outfile = join(root, 'dist', 'oclif', 'core.cjs')

if (!process.argv.includes('--record-only')) await bundle()
if (process.argv.includes('--record-only') || mayRecordHere(import.meta.url)) await recordCodeCache()

/**
 * esbuild: src/lib/boot (tsc's output) into dist/boot.cjs, the start-up code bin/run.js and bin/oclif.js require
 * (CommonJS, so that --version and help never start Node's ES module loader); then @oclif/core and its dependencies
 * into dist/oclif/core.cjs.
 */
async function bundle() {
  await build({
    bundle: true,
    format: 'cjs',
    legalComments: 'eof',
    logLevel: 'warning',
    outfile: join(root, 'dist', 'boot.cjs'),
    platform: 'node',
    stdin: {
      contents: [
        "export {appImporter} from './dist/lib/boot/app.js'",
        "export {loadBundle, saveCodeCache} from './dist/lib/boot/bundle.js'",
        "export {groqCacheDir} from './dist/lib/boot/code-cache.js'",
        "export {lookupHelp} from './dist/lib/boot/help-pages.js'",
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
      sourcefile: 'boot-entry.js',
    },
    target: nodeTarget(pjson),
  })

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
  // Exact changes to oclif's own code, each found exactly once or the build fails (same behaviour, less start-up work;
  // bench/PERF.md has the figures):
  const PATCHES = [
    // Plugin#load sorts commands with localeCompare, whose first call builds ICU's collator (~8 ms on every run);
    // src/lib/boot/command-order.ts gives the same order without it whenever it can (injected below).
    {
      file: 'config/plugin.js',
      from: '.sort((a, b) => a.id.localeCompare(b.id));',
      to: '.sort((a, b) => compareCommandIds(a.id, b.id));',
    },
    // Node modules oclif requires at load but uses only in rare paths (WSL detection, --perf marks, flags read from
    // stdin): loaded on first use instead (Node compiles each on load, ~1-3 ms apiece).
    ...[
      ['util/os.js', 'node_child_process_1', 'node:child_process'],
      ['performance.js', 'node_perf_hooks_1', 'node:perf_hooks'],
      ['parser/parse.js', 'node_readline_1', 'node:readline'],
      ['config/plugin-loader.js', 'minimatch_1', 'minimatch'],
      // Command discovery by glob, for plugins without a manifest (ours and oclif's have one).
      ['config/plugin.js', 'tinyglobby_1', 'tinyglobby'],
      // Searches for an oclif config outside package.json, for plugins whose package.json has none (ours and oclif's
      // have one); its top level reads fs.promises, which loads Node's promise-based fs (and readline) on every run.
      ['util/read-pjson.js', 'lilconfig_1', 'lilconfig'],
    ].map(([file, name, module]) => ({
      file,
      from: `const ${name} = require("${module}");`,
      to: `const ${name} = __groqLazy(() => require("${module}"));`,
    })),
    // The spinner's frames (a large JSON) and cursor codes, for a spinner on a terminal.
    {
      file: 'ux/action/spinner.js',
      from: 'const cli_spinners_1 = __importDefault(require("cli-spinners"));',
      to: 'const cli_spinners_1 = __groqLazy(() => __importDefault(require("cli-spinners")));',
    },
    {
      file: 'ux/action/spinner.js',
      from: "const ansiEscapes = require('ansi-escapes');",
      to: "const ansiEscapes = __groqLazy(() => require('ansi-escapes'));",
    },
    // oclif's help system (the Help classes, their formatter, wrap-ansi, string-width, ...) is loaded by the package
    // index, main, flags and the error handler, though a command run never shows help: loaded on first use. main
    // reads normalizeArgv and getHelpFlagAdditions, which help/index.js re-exports from help/util.js, from there.
    ...[
      ['index.js', 'var help_1 = require("./help");', 'var help_1 = __groqLazy(() => require("./help"));'],
      ['flags.js', 'const help_1 = require("./help");', 'const help_1 = __groqLazy(() => require("./help"));'],
      [
        'errors/handle.js',
        'const index_1 = require("../help/index");',
        'const index_1 = __groqLazy(() => require("../help/index"));',
      ],
      ['main.js', 'const help_1 = require("./help");', 'const help_1 = __groqLazy(() => require("./help"));'],
      ['main.js', '(0, help_1.normalizeArgv)(', '(0, require("./help/util").normalizeArgv)('],
      ['main.js', '(0, help_1.getHelpFlagAdditions)(', '(0, require("./help/util").getHelpFlagAdditions)('],
    ].map(([file, from, to]) => ({file, from, to})),
    // oclif reads its JSON files (package.json and manifest of the root and each plugin, found by walking up the
    // tree, the theme, the user plugins' list) with fs/promises: each read is four trips through libuv's thread pool
    // (open, stat, read, close), and when the machine is busy each trip waits for a pool thread to be scheduled.
    // Read at once instead; readJson and the two existence checks stay async functions with the same results.
    ...[
      [
        "const contents = await (0, promises_1.readFile)(path, 'utf8');",
        "const contents = (0, node_fs_1.readFileSync)(path, 'utf8');",
      ],
      ['dirStat = await (0, promises_1.stat)(input);', 'dirStat = (0, node_fs_1.statSync)(input);'],
      ['fileStat = await (0, promises_1.stat)(input);', 'fileStat = (0, node_fs_1.statSync)(input);'],
    ].map(([from, to]) => ({file: 'util/fs.js', from, to})),
    // The package index checks the Node version against @oclif/core's engines with semver, whose load parses two
    // ranges with regular expressions of `\d{0,256}` groups: compiling them is ~4% of a command run on Node 22. A
    // plain `>=X.Y.Z` range (oclif's own) is compared without it; any other range still goes to semver.
    {
      file: 'index.js',
      from: "const semver = require('semver');",
      to: '',
    },
    {
      file: 'index.js',
      from: 'if (!semver.satisfies(process.versions.node, pjson.engines.node)) {',
      to: [
        'if (!((range) => {',
        '  const floor = /^>=\\s*(\\d+)\\.(\\d+)\\.(\\d+)$/.exec(range);',
        "  if (!floor || process.versions.node.includes('-')) return require('semver').satisfies(process.versions.node, range);",
        "  const [major, minor, patch] = process.versions.node.split('.').map(Number);",
        '  const [, a, b, c] = floor.map(Number);',
        '  return major !== a ? major > a : minor !== b ? minor > b : patch >= c;',
        '})(pjson.engines.node)) {',
      ].join('\n'),
    },
    // Config#load asks wsl-utils whether this is WSL on every run (its modules load node:child_process and
    // node:fs/promises): only where one of the signs is-wsl checks is there (src/lib/boot/wsl.ts, injected below).
    {
      file: 'util/os.js',
      from: "return (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();",
      to: "return (maybeWsl() && (await import('wsl-utils')).isWsl) ? 'wsl' : (0, node_os_1.platform)();",
    },
    // Node's promise-based fs, loaded at start by three modules that need it only in rare paths (TypeScript plugins
    // in development, readJson's fallback): on first use (it loads Node's readline too, ~2-3 ms on Node 22).
    ...['util/fs.js', 'config/ts-path.js', 'util/read-tsconfig.js'].map((file) => ({
      file,
      from: 'const promises_1 = require("node:fs/promises");',
      to: 'const promises_1 = __groqLazy(() => require("node:fs/promises"));',
    })),
    // PluginLoader matches each dependency against each plugin pattern with minimatch, which compiles the pattern
    // anew each time (~30 compilations per run). A pattern that is a plain npm package name matches only itself.
    {
      file: 'config/plugin-loader.js',
      from: '(0, minimatch_1.minimatch)(p, w)',
      to: '(__groqPackageName(w) ? p === w : (0, minimatch_1.minimatch)(p, w))',
    },
  ]
  const applied = new Map(PATCHES.map((patch) => [patch, 0]))
  const patchesFor = (path) =>
    PATCHES.filter(({file}) => path.replaceAll('\\', '/').endsWith(`/node_modules/@oclif/core/lib/${file}`))
  const dynamicImports = {
    name: 'dynamic-imports',
    setup(build) {
      build.onLoad({filter: /[\\/]node_modules[\\/].*\.c?js$/}, (args) => {
        let text = readFileSync(args.path, 'utf8')
        const patches = patchesFor(args.path)
        for (const patch of patches) {
          if (text.split(patch.from).length !== 2) throw new Error(`${args.path}: expected one ${patch.from}`)
          text = text.replace(patch.from, patch.to)
          applied.set(patch, applied.get(patch) + 1)
        }
        const count = text.match(DYNAMIC_IMPORT)?.length ?? 0
        if (count === 0) return patches.length > 0 ? {contents: text, loader: 'js'} : undefined
        rewritten.push(`${args.path.slice(args.path.lastIndexOf('node_modules'))} (${count})`)
        return {contents: text.replace(DYNAMIC_IMPORT, '__groqImport('), loader: 'js'}
      })
    },
  }

  rmSync(join(root, 'dist', 'oclif'), {force: true, recursive: true})
  const result = await build({
    // Loaded with require() instead (no bin/oclif.js), import() works as it is.
    banner: {
      js: [
        "var __groqImport = typeof __groqImport === 'function' ? __groqImport : (specifier) => import(specifier);",
        // A module's exports, loaded on first property read (oclif only reads properties of these).
        'var __groqLazy = (load) => { let module; return new Proxy({}, {get: (_, key) => (module ??= load())[key]}) };',
        // An npm package name: no glob syntax, no path segments other than its scope.
        'var __groqPackageName = (pattern) => /^(@[a-z0-9~-][a-z0-9._~-]*\\/)?[a-z0-9~-][a-z0-9._~-]*$/.test(pattern);',
      ].join('\n'),
    },
    bundle: true,
    // oclif requires a TypeScript compiler only for plugins in development, never in a built CLI.
    external: ['typescript', 'ts-node', 'tsx', 'tsx/*'],
    format: 'cjs',
    inject: [join(root, 'dist', 'lib', 'boot', 'command-order.js'), join(root, 'dist', 'lib', 'boot', 'wsl.js')],
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
  for (const [patch, count] of applied) {
    if (count !== 1) throw new Error(`@oclif/core/lib/${patch.file}: ${patch.from} was patched ${count} times`)
  }
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
  const inputs = Object.keys(result.metafile.inputs).length
  console.log(
    `bundled @oclif/core ${corePjson.version}: ${inputs} files into dist/oclif/core.cjs (${(bytes / 1024).toFixed(0)} KiB)`,
  )
  console.log(`import() through bin/oclif.js: ${rewritten.join(', ') || 'none'}`)
  for (const context of escapeNonAscii(outfile)) console.log(`non-ASCII character escaped: ${JSON.stringify(context)}`)
}

/**
 * The code cache: what V8 compiled while showing the root help, saved for the next start (used only by the same
 * Node version, src/lib/boot/bundle.ts; another keeps its own).
 */
async function recordCodeCache() {
  const {loadOclif} = await import('../bin/oclif.js')
  const oclif = loadOclif({codeCache: false})
  const write = process.stdout.write
  process.stdout.write = () => true
  try {
    await oclif.modules['.']().execute({args: ['--help'], dir: root})
  } finally {
    process.stdout.write = write
  }
  await writeCodeCache(outfile, oclif.script)
  console.log(`code cache for node ${process.version}: dist/oclif/core.cjs.v8cache`)
}
