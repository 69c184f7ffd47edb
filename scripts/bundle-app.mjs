#!/usr/bin/env node
// Build step (after tsc): our own code, as tsc wrote it to dist/ (commands, hooks, the help class and the modules of
// src/lib they import), bundled into one CommonJS file, dist/app.cjs. oclif imports a command by its file in dist/;
// bin/run.js hands the bundled oclif an importer (src/lib/boot/app.ts) that answers those imports from this bundle,
// so a command run never starts Node's ES module loader nor loads ~25-40 modules one by one, and the whole of it is
// compiled from one V8 code cache (src/lib/boot/bundle.ts). dist/ stays tsc's output: the manifest, the tests, a
// build without this step, and `--debug` (whose stack traces name dist/'s files) use it as before.
//
// Each module keeps its own `import.meta.url` (the path of its file in dist/), so paths it finds from there (the
// groq-sdk bundle, data files) are the same; packages (groq-sdk, table, ora, ...) and Node's modules stay outside,
// imported where the code imports them, through the loader's import() (a script with its own import() loses its
// code cache: bundle.ts).
//
//   node scripts/bundle-app.mjs
import {build} from 'esbuild'
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {escapeNonAscii} from './bundle-common.mjs'
import {nodeTarget} from './node-target.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const outfile = join(dist, 'app.cjs')

/** The .js files under a folder of dist/, as paths relative to dist/ with forward slashes. */
function jsFiles(folder) {
  const found = []
  const walk = (dir) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      if (entry.isDirectory()) walk(join(dir, entry.name))
      else if (entry.name.endsWith('.js')) found.push(relative(dist, join(dir, entry.name)).replaceAll('\\', '/'))
    }
  }
  walk(join(dist, folder))
  return found
}

// What oclif imports by file: every command, the hooks of package.json, the help class. (A module of dist/ that oclif
// loaded from anywhere else would be a second copy of the modules it imports, beside the bundle's.)
const underDist = (path) => path.replace(/^\.\//, '').replace(/^dist\//, '')
const hooks = Object.values(pjson.oclif.hooks ?? {})
  .flat()
  .map((hook) => underDist(typeof hook === 'string' ? hook : hook.target).replace(/(\.js)?$/, '.js'))
const helpClass = pjson.oclif.helpClass && underDist(pjson.oclif.helpClass)
const entries = [
  ...new Set([
    ...jsFiles('commands'),
    ...(hasFolder('hooks') ? jsFiles('hooks') : []),
    ...hooks,
    ...(helpClass ? [helpClass] : []),
  ]),
]
const entry = [
  'exports.modules = {',
  ...entries.map((path) => `  ${JSON.stringify(path)}: () => require(${JSON.stringify(`./dist/${path}`)}),`),
  '}',
].join('\n')

function hasFolder(folder) {
  try {
    readdirSync(join(dist, folder))
    return true
  } catch {
    return false
  }
}

// import.meta.url of each module: its own file's URL, computed from where the bundle is (dist/).
const metaUrls = {
  name: 'import-meta-url',
  setup(build) {
    build.onLoad({filter: /\.js$/}, (args) => {
      if (!args.path.startsWith(dist) || args.path.includes(`${join('dist', 'oclif')}`)) return undefined
      const text = readFileSync(args.path, 'utf8')
      if (!text.includes('import.meta')) return undefined
      const path = relative(dist, args.path).replaceAll('\\', '/')
      const replaced = text.replaceAll('import.meta.url', `__groqModuleUrl(${JSON.stringify(path)})`)
      if (replaced.includes('import.meta')) throw new Error(`${args.path}: import.meta other than import.meta.url`)
      return {contents: replaced, loader: 'js'}
    })
  },
}

rmSync(outfile, {force: true})
const result = await build({
  banner: {
    // __groqImport is the loader's import function (bundle.ts): this file is only loaded through it.
    js: 'var __groqModuleUrl = (path) => require("node:url").pathToFileURL(require("node:path").join(__dirname, path)).href;',
  },
  bundle: true,
  format: 'cjs',
  keepNames: true,
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
  minifySyntax: true,
  minifyWhitespace: true,
  outfile,
  // Packages load from node_modules as before (lazily, where the code imports them); Node's modules are external.
  packages: 'external',
  platform: 'node',
  plugins: [metaUrls],
  stdin: {contents: entry, loader: 'js', resolveDir: root, sourcefile: 'app-entry.cjs'},
  target: nodeTarget(pjson),
})

// import() left by esbuild (of a package or Node module, and the loader's own default import function): through the
// loader's import function instead. Anything else spelled `import(` (none today) would be caught by the test below.
let text = readFileSync(outfile, 'utf8')
const dynamic = text.match(/(?<![\w$])import\(/g)?.length ?? 0
text = text.replaceAll(/(?<![\w$])import\(/g, '__groqImport(')
writeFileSync(outfile, text)
for (const context of escapeNonAscii(outfile)) console.log(`non-ASCII character escaped: ${JSON.stringify(context)}`)

const inputs = Object.keys(result.metafile.inputs).length
console.log(
  `bundled dist/ (${entries.length} entry modules, ${inputs} files) into dist/app.cjs (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB), ${dynamic} import() through the loader`,
)
