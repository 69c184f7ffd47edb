#!/usr/bin/env node
// Build step (after tsc): bundles groq-sdk (its CommonJS build) into one file, dist/vendor/groq-sdk.cjs, and records
// V8's code cache for it (dist/vendor/groq-sdk.cjs.v8cache) by sending requests through it once in this process.
// src/lib/http/client.ts loads it with dist/lib/boot/bundle.js (the loader of the oclif bundle) instead of importing ~60 ES
// modules from node_modules/groq-sdk; without it (tests on src/, a build by tsc alone) groq-sdk is imported as usual.
//
// Inside the bundle the globals `Headers`, `FormData`, `Response` and `ReadableStream` are src/lib/http/fetch-globals.ts
// (esbuild `inject` and `define`): groq-sdk builds every request's headers with `new Headers()` and asks
// `body instanceof FormData`, and on Node 20 either loads undici, which costs more than the rest of a request. The
// process's globals stay Node's own. Figures: bench/PERF.md.
//
//   node scripts/bundle-groq-sdk.mjs                 bundle, then record the code cache
//   node scripts/bundle-groq-sdk.mjs --record-only   record the code cache of the bundle already built
import {build} from 'esbuild'
import {readFileSync, rmSync} from 'node:fs'
import {createServer} from 'node:http'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {escapeNonAscii, mayRecordHere, writeCodeCache} from './bundle-common.mjs'
import {nodeTarget} from './node-target.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(join(root, 'package.json'))
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const sdkPjson = JSON.parse(readFileSync(join(require.resolve('groq-sdk'), '..', 'package.json'), 'utf8'))
const outfile = join(root, 'dist', 'vendor', 'groq-sdk.cjs')

if (!process.argv.includes('--record-only')) await bundle()
if (process.argv.includes('--record-only') || mayRecordHere(import.meta.url)) await recordCodeCache()

/** esbuild: groq-sdk's CommonJS build into dist/vendor/groq-sdk.cjs. */
async function bundle() {
  // `sdk` is what `require('groq-sdk')` returns; `Headers` the class the bundle uses, for our transport's responses
  // (groq-sdk checks `instanceof Headers` on them when it logs with --debug).
  const entry = [
    `exports.version = ${JSON.stringify(sdkPjson.version)}`,
    "exports.sdk = require('groq-sdk')",
    'exports.Headers = Headers',
  ].join('\n')

  rmSync(join(root, 'dist', 'vendor'), {force: true, recursive: true})
  const result = await build({
    bundle: true,
    define: {'globalThis.ReadableStream': 'GroqReadableStream'},
    format: 'cjs',
    inject: [join(root, 'dist', 'lib', 'http', 'fetch-globals.js')],
    // Class names as groq-sdk has them (src/lib/core/errors.ts tells its errors apart by constructor.name); without this,
    // esbuild renames some (APIError -> _APIError).
    keepNames: true,
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
    minifySyntax: true,
    minifyWhitespace: true,
    outfile,
    platform: 'node',
    stdin: {contents: entry, loader: 'js', resolveDir: root, sourcefile: 'groq-sdk-entry.cjs'},
    target: nodeTarget(pjson),
  })
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
  const inputs = Object.keys(result.metafile.inputs).length
  for (const context of escapeNonAscii(outfile)) console.log(`non-ASCII character escaped: ${JSON.stringify(context)}`)
  const bundled = readFileSync(outfile, 'utf8')
  if (/\bimport\((?![\s'"`)])/.test(bundled))
    throw new Error('dist/vendor/groq-sdk.cjs imports dynamically: its code cache would fail')
  // Any other way to reach these globals (globalThis.FormData, a new groq-sdk's own use) would load undici again.
  // (Quoted in an error message, as groq-sdk's own advice to polyfill them, is fine.)
  const reached = bundled.match(/(?<![`'"])\bglobalThis\.(Headers|FormData|Response|Request|fetch|ReadableStream)\b/g)
  if (reached)
    throw new Error(`dist/vendor/groq-sdk.cjs reaches ${[...new Set(reached)].join(', ')}: see fetch-globals.ts`)
  console.log(
    `bundled groq-sdk ${sdkPjson.version}: ${inputs} files into dist/vendor/groq-sdk.cjs (${(bytes / 1024).toFixed(0)} KiB)`,
  )
}

/**
 * The code cache: what V8 compiled while the bundle built and sent the requests the CLI sends most (a model list, a
 * chat completion, a streamed one, an API error), through our transport, to a server in this process.
 */
async function recordCodeCache() {
  const {loadBundle} = await import('../dist/lib/boot/bundle.js')
  const {createFetch} = await import('../dist/lib/http/transport.js')
  const {exports: bundle, script} = loadBundle(outfile, {codeCache: false})
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      if (request.url === '/openai/v1/models') {
        response.writeHead(200, {'content-type': 'application/json'}).end('{"object":"list","data":[{"id":"m"}]}')
      } else if (request.url === '/openai/v1/chat/completions' && request.headers['x-stream']) {
        response.writeHead(200, {'content-type': 'text/event-stream'})
        response.end('data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n')
      } else if (request.url === '/openai/v1/chat/completions') {
        response
          .writeHead(200, {'content-type': 'application/json'})
          .end('{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]}')
      } else {
        response.writeHead(404, {'content-type': 'application/json'}).end('{"error":{"message":"no"}}')
      }
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const client = new bundle.sdk.default({
      apiKey: 'gsk_build',
      baseURL: `http://127.0.0.1:${server.address().port}`,
      fetch: createFetch({}, {Headers: bundle.Headers}),
      maxRetries: 0,
    })
    await client.models.list()
    const body = {messages: [{content: 'hi', role: 'user'}], model: 'm'}
    await client.chat.completions.create(body)
    const streamed = await client.chat.completions.create({...body, stream: true}, {headers: {'x-stream': '1'}})
    for await (const chunk of streamed) void chunk
    await client.models.retrieve('missing').catch((error) => {
      if (!(error instanceof bundle.sdk.NotFoundError)) throw error
    })
  } finally {
    server.close()
  }
  await writeCodeCache(outfile, script)
  console.log(`code cache for node ${process.version}: dist/vendor/groq-sdk.cjs.v8cache`)
}
