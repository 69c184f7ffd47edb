/**
 * End-to-end helpers: run the built CLI as a user would, and small local HTTP servers for the answers Prism
 * cannot give (404 for an unknown id, 429, 5xx, a dead port).
 */
import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type IncomingHttpHeaders} from 'node:http'
import {createServer as createNetServer} from 'node:net'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'

import {staleReason} from '../../scripts/build-stamp.mjs'
import {crc32, decodeCache} from '../../src/lib/boot/code-cache.js'
import {ROOT} from './prism.js'

export {ROOT}
export const BIN = join(ROOT, 'bin', 'run.js')

/**
 * The node that runs the CLI in these tests: $GROQ_TEST_NODE (an absolute path, e.g. a Node 24 that .ci/run fetched),
 * else the node running vitest. The tests themselves, Prism and the local servers always run on vitest's node.
 */
export const NODE = process.env.GROQ_TEST_NODE || process.execPath

/** NODE's version, e.g. v24.22.3. */
export const NODE_VERSION =
  NODE === process.execPath ? process.version : execFileSync(NODE, ['--version'], {encoding: 'utf8'}).trim()

export interface CliOptions {
  /** Added to the clean environment; `undefined` removes a variable (e.g. {NO_COLOR: undefined}). */
  env?: Record<string, string | undefined>
  /** Fed to stdin, which is then closed. Without it stdin is /dev/null (not a TTY, immediate end). */
  stdin?: Buffer | string
  /** Kill the CLI (SIGKILL) and fail after this long; default 30 s (under the e2e test timeout: a failure shows output). */
  timeoutMs?: number
  /** HOME and XDG_* point here (to prepare or inspect config files); default: a fresh temp dir, removed afterwards. */
  home?: string
  cwd?: string
  /** Add `timing` to the result. */
  timed?: boolean
  /** The bin/run.js to run; default this checkout's (a test may run a copy of the built CLI). */
  bin?: string
}

export interface CliResult {
  stdout: string
  stderr: string
  /** The exit status; null only when the CLI died from a signal (see `signal`). */
  exitCode: null | number
  signal: NodeJS.Signals | null
  /**
   * With `timed: true`: ms after spawn of the last stdout or stderr chunk and of the process's exit (for "exits
   * within 1 s of printing").
   */
  timing?: {lastOutputMs?: number; exitMs: number}
}

/** HOME and XDG base directories under `root`, so the developer's own config is never read or written. */
export function homeEnv(root: string): Record<string, string> {
  return {
    HOME: root,
    XDG_CACHE_HOME: join(root, 'cache'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_STATE_HOME: join(root, 'state'),
  }
}

/** A fresh empty directory to use as `home` across several runCli calls; remove it with rmSync when done. */
export const makeHome = (): string => mkdtempSync(join(tmpdir(), 'groq-e2e-'))

/**
 * The environment a CLI run starts from: nothing from the developer's shell (no GROQ_*, CI, NODE_OPTIONS, TERM,
 * FORCE_COLOR), only PATH, an isolated home, NO_COLOR=1, TZ=UTC and a UTF-8 locale.
 */
export function cleanEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {...homeEnv(home), LANG: 'C.UTF-8', NO_COLOR: '1', TZ: 'UTC'}
  // NODE's folder first, so that a `node` the CLI (or a shebang) looks up is the one under test.
  const path = [...(NODE === process.execPath ? [] : [dirname(NODE)]), ...(process.env.PATH ? [process.env.PATH] : [])]
  if (path.length > 0) env.PATH = path.join(delimiter)
  if (process.env.SYSTEMROOT) env.SYSTEMROOT = process.env.SYSTEMROOT
  return env
}

/**
 * Runs `node bin/run.js ...args` (the built CLI) with a clean environment and stdin closed or fed,
 * and returns what a user would see. stdout/stderr are pipes (not TTYs). Never rejects on a non-zero exit;
 * rejects when the CLI outlives timeoutMs, with what it printed so far.
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const home = options.home ?? makeHome()
  const env: Record<string, string> = cleanEnv(home)
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  const timeoutMs = options.timeoutMs ?? 30_000
  try {
    return await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(NODE, [options.bin ?? BIN, ...args], {
        cwd: options.cwd ?? home,
        env,
        stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      })
      const stdout: Buffer[] = []
      const stderr: Buffer[] = []
      const started = performance.now()
      let lastOutputMs: number | undefined
      let exitMs = 0
      child.stdout!.on('data', (chunk: Buffer) => {
        lastOutputMs = performance.now() - started
        stdout.push(chunk)
      })
      child.stderr!.on('data', (chunk: Buffer) => {
        lastOutputMs = performance.now() - started
        stderr.push(chunk)
      })
      child.once('exit', () => {
        exitMs = performance.now() - started
      })
      const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8')
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(
          new Error(
            `groq ${args.join(' ')} did not finish within ${timeoutMs} ms\n--- stdout:\n${text(stdout)}\n--- stderr:\n${text(stderr)}`,
          ),
        )
      }, timeoutMs)
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      // 'close', not 'exit': all output has been read by then.
      child.once('close', (exitCode, signal) => {
        clearTimeout(timer)
        const result: CliResult = {exitCode, signal, stderr: text(stderr), stdout: text(stdout)}
        if (options.timed) result.timing = {exitMs, lastOutputMs}
        resolve(result)
      })
      if (child.stdin) {
        child.stdin.on('error', () => {}) // EPIPE when the CLI exits without reading stdin
        child.stdin.end(options.stdin)
      }
    })
  } finally {
    if (options.home === undefined) rmSync(home, {force: true, recursive: true})
  }
}

/** stderr as lines, without the final newline: `expect(lines(r.stderr)).toHaveLength(1)`. */
export const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))

// ---------------------------------------------------------------------------------------------------------------
// Local HTTP servers

export interface Reply {
  status: number
  /** An object is sent as JSON (content-type application/json unless headers say otherwise). */
  body?: Buffer | object | string
  headers?: Record<string, string>
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number
}

export interface RecordedRequest {
  method: string
  /** Path and query, e.g. /openai/v1/models/x?limit=2 */
  path: string
  headers: IncomingHttpHeaders
  body: Buffer
  /** The body as UTF-8 text; `JSON.parse(req.text)` for JSON requests. */
  text: string
  /** What the server answered (for a proxy: what the upstream, e.g. Prism, answered). */
  response?: {status: number; body: string}
}

export interface ServerOptions {
  /** One reply for every request, replies in order (the last one repeats), or a function of the request. */
  reply?: ((request: RecordedRequest, index: number) => Promise<Reply> | Reply) | Reply | Reply[]
  /** Forward every request to this base URL (e.g. Prism) and pass its answer back, recording both. */
  proxy?: string
}

export interface TestServer {
  /** e.g. http://127.0.0.1:39215, to use as GROQ_BASE_URL. */
  url: string
  /** Every request received, in order, with the response sent. */
  requests: RecordedRequest[]
  close(): Promise<void>
}

/**
 * A node:http server on 127.0.0.1 for one test. Either answers with the given replies or forwards to `proxy`;
 * either way it records each request (method, path, headers, body) and the response. Close it when done
 * (`onTestFinished(() => server.close())`).
 */
export async function startServer(options: ServerOptions): Promise<TestServer> {
  if (!options.reply === !options.proxy) throw new Error('startServer: give exactly one of reply or proxy')
  const requests: RecordedRequest[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const recorded: RecordedRequest = {
      body,
      headers: req.headers,
      method: req.method ?? '',
      path: req.url ?? '',
      text: body.toString('utf8'),
    }
    const index = requests.push(recorded) - 1
    try {
      const reply = options.proxy
        ? await forward(options.proxy, recorded)
        : await replyFor(options.reply!, recorded, index)
      if (reply.delayMs) await new Promise((done) => setTimeout(done, reply.delayMs))
      const isRaw = typeof reply.body === 'string' || Buffer.isBuffer(reply.body)
      const payload =
        reply.body === undefined ? '' : isRaw ? (reply.body as Buffer | string) : JSON.stringify(reply.body)
      const headers = {
        ...(isRaw || reply.body === undefined ? {} : {'content-type': 'application/json'}),
        ...reply.headers,
      }
      recorded.response = {body: payload.toString(), status: reply.status}
      res.writeHead(reply.status, headers).end(payload)
    } catch (error) {
      recorded.response = {body: String(error), status: 599}
      res.destroy(error as Error)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as {port: number}
  let closed: Promise<void> | undefined
  return {
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })),
    requests,
    url: `http://127.0.0.1:${port}`,
  }
}

async function replyFor(
  reply: NonNullable<ServerOptions['reply']>,
  request: RecordedRequest,
  index: number,
): Promise<Reply> {
  if (typeof reply === 'function') return reply(request, index)
  if (Array.isArray(reply)) return reply[Math.min(index, reply.length - 1)]
  return reply
}

const HOP_BY_HOP = new Set(['connection', 'content-length', 'host', 'keep-alive', 'transfer-encoding'])

async function forward(base: string, request: RecordedRequest): Promise<Reply> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  const response = await fetch(base + request.path, {
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
    headers,
    method: request.method,
  })
  const responseHeaders: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    // fetch has already decoded the body
    if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') responseHeaders[name] = value
  })
  return {body: Buffer.from(await response.arrayBuffer()), headers: responseHeaders, status: response.status}
}

/**
 * A base URL where nothing listens (connection refused), for network-error tests: a port the kernel just handed
 * out and that was closed again (another process could take it in between, which is very unlikely).
 */
export async function closedPortURL(): Promise<string> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createNetServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
  return `http://127.0.0.1:${port}`
}

// ---------------------------------------------------------------------------------------------------------------
// Build freshness

/**
 * Throws unless dist/ (with oclif.manifest.json and docs/commands.md) is the build of the current tree, as recorded
 * by `npm run build` in dist/.build-stamp.json (scripts/build-stamp.mjs): `npm test` builds first when it is not,
 * `npx vitest run` alone does not. So the e2e tests never pass or fail on a stale build.
 */
export function assertFreshBuild(root: string = ROOT): void {
  const reason = staleReason(root)
  if (reason)
    throw new Error(`The e2e tests run the built CLI, but ${reason}. Run \`npm run build\` (\`npm test\` does).`)
}

/**
 * Whether the build's code cache of the bundle at `bundle` (`<bundle>.v8cache`) was made by this Node and is whole
 * (src/lib/boot/code-cache.ts): then runs use it; else each run keeps its own.
 */
export function builtByThisNode(bundle: string): boolean {
  return decodeCache(readFileSync(`${bundle}.v8cache`), crc32(readFileSync(bundle))).body !== undefined
}
