/**
 * Prism (@stoplight/prism-cli 5.12.0) serving Groq's OpenAPI spec on 127.0.0.1, for end-to-end tests.
 *
 * One Prism serves the whole vitest run: test/e2e/global-setup.ts starts it and provides its base URL;
 * a test reads it with `inject('prismURL')`.
 *
 * What Prism does, measured against ../shared/groq-openapi.yaml (static mode, the default; no `-d`):
 * - Security: every operation needs `Authorization: Bearer <anything>`. No header, an empty token or another
 *   scheme (Basic) -> 401, `WWW-Authenticate: Bearer`, `content-type: application/problem+json`, body
 *   `{"type":"https://stoplight.io/prism/errors#UNAUTHORIZED","title":"Invalid security scheme used","status":401,
 *   "detail":"..."}`. The token's value is never checked (the CLI itself exits 3 before any request without a key).
 * - Request bodies (JSON and multipart) are validated against the schema: a missing required property, a wrong
 *   type, a value outside an enum or an unknown property (`additionalProperties: false`) -> 422 problem+json,
 *   `"type":"...#UNPROCESSABLE_ENTITY"` with `validation: [{location: ['body', 'model'], code, message}]` naming
 *   every violation. Malformed JSON -> 400 `{"error":{"code":"invalid_json","message":"Invalid JSON"}}`; a wrong
 *   content type (text/plain to a JSON operation) -> 415 `...#INVALID_CONTENT_TYPE`.
 * - Routing: an unknown path -> 404 `...#NO_PATH_MATCHED_ERROR` (problem+json); a known path with a method the
 *   spec lacks (PUT /openai/v1/models/x) -> 405 `...#NO_METHOD_MATCHED_ERROR`.
 * - Not checked: ids. `GET`/`DELETE /openai/v1/models/<any id>` answer 200; Prism never produces a "model not
 *   found" 404 (`Prefer: code=404` gives a 404 `...#NOT_FOUND` "Requested status code 404 is not defined in the
 *   document", but the CLI cannot send that header). Unknown query parameters are ignored (the spec declares none
 *   for the list operations). Use `startServer` (cli.ts) for 404, 429, 5xx, slow or broken responses.
 * - Responses are placeholders generated from the schema, not the x-groq-metadata examples: strings are "string"
 *   (an enum gives its first value), numbers 0, booleans true, arrays one element, and only the properties the
 *   schema defines (Groq's Model schema has no `active` or `context_window`, so those CLI columns come out empty). So
 *   `GET /openai/v1/models` -> `{"object":"list","data":[{"id":"string","created":0,"object":"model",
 *   "owned_by":"string"}]}`, `GET /openai/v1/models/x` -> `{"id":"string","created":0,"object":"model",
 *   "owned_by":"string"}`, `DELETE /openai/v1/models/x` -> `{"id":"string","deleted":true,"object":"string"}`.
 *   Binary operations (speech, file content) answer the 6 bytes `string`.
 * - No streaming: `stream: true` gets the same single JSON body (test streaming against a local SSE server).
 * - It logs every request to stdout (`[HTTP SERVER] get /openai/v1/models ℹ info Request received`, then
 *   `[VALIDATOR] ✔ success The request passed the validation rules` or `✖ error ...`). Validator lines do not
 *   name the request, so a test that must see what reached Prism puts `startServer({proxy: prismURL})` in front.
 * - Start-up takes 1.5-5 s on an idle machine (much more under load). Given a port in use it prints its usage text
 *   and `listen EADDRINUSE: address already in use 127.0.0.1:PORT` to stderr and exits 1, hence `-p 0` below; a
 *   missing spec file prints `Error opening file` and exits 1. It writes nothing to stderr when all is well.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {missingSpecMessage, specLocation} from './spec.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The spec Prism serves: $GROQ_OPENAPI_SPEC, else `<repo>/../shared/groq-openapi.yaml` (spec.ts). Throws if missing. */
export function specPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = specLocation(env)
  if (!existsSync(path)) throw new Error(missingSpecMessage(env))
  return path
}

/** The Prism CLI's entry script (run with this node, not through a shell or node_modules/.bin). */
function prismBin(): string {
  const require = createRequire(import.meta.url)
  const pkgPath = require.resolve('@stoplight/prism-cli/package.json')
  const {bin} = require(pkgPath) as {bin: Record<string, string>}
  return join(dirname(pkgPath), bin.prism)
}

export interface PrismOptions {
  spec?: string
  /** Give up waiting for Prism after this long (default 60 s: it takes 1.5-5 s on an idle machine). */
  timeoutMs?: number
}

export interface Prism {
  /** e.g. http://127.0.0.1:43817; use as GROQ_BASE_URL (the spec's paths start with /openai/v1). */
  url: string
  pid: number
  spec: string
  /** The last 64 KiB Prism wrote to stdout and stderr. */
  output(): string
  /** Ends Prism's whole process group; resolves when it has exited. Safe to call twice. */
  stop(): Promise<void>
}

const OUTPUT_LIMIT = 64 * 1024
const LISTENING = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * Starts `prism mock -h 127.0.0.1 -p 0 SPEC` and resolves once it answers as Prism with the spec loaded.
 * Port 0 lets the kernel pick a free port as Prism binds it (no window in which another process can take a port we
 * picked); Prism reports it in its `Prism is listening on http://127.0.0.1:PORT` line.
 */
export async function startPrism(options: PrismOptions = {}): Promise<Prism> {
  const spec = options.spec ?? specPath()
  const timeoutMs = options.timeoutMs ?? 60_000
  const child = spawn(process.execPath, [prismBin(), 'mock', '-h', '127.0.0.1', '-p', '0', spec], {
    // Its own process group, so stop() ends Prism and anything it forks (`-m` would fork).
    detached: true,
    env: {...process.env, FORCE_COLOR: '0', NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let url: string | undefined
  // Always drained: Prism logs every request, and a full pipe would block it. Stray stderr is kept, not fatal.
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT)
    url ??= LISTENING.exec(output)?.[1]
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)

  let hasExited = false
  const exited = new Promise<{code: null | number; signal: NodeJS.Signals | null}>((done) => {
    child.once('exit', (code, signal) => {
      hasExited = true
      done({code, signal})
    })
  })
  child.once('error', (error) => {
    output += `\n${error.message}`
  })
  // If the test run dies without teardown, Prism must not outlive it.
  const killOnExit = () => killGroup(child, 'SIGKILL')
  process.once('exit', killOnExit)

  const stop = async () => {
    process.removeListener('exit', killOnExit)
    if (hasExited || child.pid === undefined) return
    killGroup(child, 'SIGTERM')
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  const deadline = Date.now() + timeoutMs
  while (!(url && (await answersAsPrism(url)))) {
    if (hasExited) {
      const {code, signal} = await exited
      await stop()
      throw new Error(
        `Prism (serving ${spec}) exited (${signal ?? `code ${code}`}) before it answered.\n${tail(output)}`,
      )
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`Prism (serving ${spec}) did not answer within ${timeoutMs} ms.\n${tail(output)}`)
    }
    await sleep(100)
  }
  return {output: () => output, pid: child.pid!, spec, stop, url}
}

/**
 * True once the server on `url` is Prism with Groq's spec loaded: a known route without a key gets Prism's own 401.
 * (Anything else on that port, or Prism still compiling the spec, does not count.)
 */
async function answersAsPrism(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/openai/v1/models`, {signal: AbortSignal.timeout(2000)})
    const body = await response.text()
    return response.status === 401 && body.includes('stoplight.io/prism/errors#UNAUTHORIZED')
  } catch {
    return false
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // ESRCH: the group is already gone.
  }
}

const tail = (text: string) => {
  const lines = text.trimEnd().split('\n')
  return `Prism's last output:\n${lines.slice(-30).join('\n')}`
}
