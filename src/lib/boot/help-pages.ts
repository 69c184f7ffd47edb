import {existsSync, readFileSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'

import {groqCacheDir, readIfPresent, writeAtomically} from './code-cache.js'
import {hasPlainCollation} from './command-order.js'

/**
 * Help without oclif. The build (scripts/render-help.mjs) runs oclif's own help, with src/help.ts, for every help
 * command line it can list (`groq`, `groq --help`, `groq TOPIC`, `groq TOPIC --help`, `groq COMMAND --help`,
 * `groq help ...`, for each help flag of package.json) at a few terminal widths and colour levels, and keeps each
 * page in dist/help/. bin/run.js answers such a command line with the kept page when everything oclif's answer
 * depends on is the same: the command line, the width (OCLIF_COLUMNS or the terminal's), the colour level (ansis,
 * asked as oclif asks it), the version line (`groq-cli/0.1.0 linux-x64 node-v20.20.2`), and none of the things that
 * make oclif do more or differently (checked by bin/run.js and `mayAnswer` below). Otherwise oclif answers, and
 * when the command line is one of the build's, what it printed is kept under $XDG_CACHE_HOME/groq/help/ for the
 * next time (another width, another Node version). test/e2e/help-pages.e2e.test.ts compares every page with
 * oclif's own rendering at widths 80 and 120; bench/PERF.md has the figures.
 */

/** dist/help/index.json */
export interface HelpIndex {
  format: 1
  /** Changes with any page: the key of the run-time store. */
  id: string
  /** oclif's `config.userAgent` in the build: pages that show it are only good for the same. */
  userAgent: string
  /** `${process.platform}-${process.arch}` of the build. */
  platform: string
  /** The ansis oclif uses, relative to the package root: asked the colour level as oclif would. */
  ansis: string
  /** formKey(argv) -> the page for each terminal key (terminalKey), as [file under dist/help/pages, byte length]. */
  forms: Record<string, {pages: Record<string, [string, number]>; showsUserAgent?: true}>
}

export const INDEX_FORMAT = 1

/** The key of a command line: its words, each URI-encoded, joined by spaces. */
export function formKey(argv: readonly string[]): string {
  return argv.map((word) => encodeURIComponent(word)).join(' ')
}

/** The key of what the terminal changes in a page. */
export function terminalKey(width: number, colourLevel: number): string {
  return `w${width}-l${colourLevel}`
}

interface Stdout {
  isTTY?: boolean
  getWindowSize?: () => [number, number]
}

/** The width oclif's help wraps at (@oclif/core/lib/screen.js: OCLIF_COLUMNS, else the terminal's, 80 when piped). */
export function helpWidth(env: NodeJS.ProcessEnv, stdout: Stdout): number {
  const columns = Number.parseInt(env.OCLIF_COLUMNS ?? '', 10)
  if (columns) return columns
  if (!stdout.isTTY || !stdout.getWindowSize) return 80
  const width = stdout.getWindowSize()[0]
  return width < 1 ? 80 : width < 40 ? 40 : width
}

/**
 * The colour level (0 none, 1 16 colours, 2 256, 3 truecolor) the ansis at `path` chose for this process: it decides
 * once, when loaded, from the environment, argv and whether stdout is a TTY, for oclif as for us.
 *
 * `stdout`: what ansis sees as process.stdout while it loads. bin/run.js passes `{isTTY: false}` when fd 1 is a pipe,
 * socket or file, which is what the real stream would say: making the real one for a pipe (a net.Socket) costs about
 * a tenth of `node -e 0`, and the page is then written without it.
 */
export function ansisColourLevel(path: string, stdout?: Stdout): number {
  const load = () => createRequire(path)(path) as {rgb(r: number, g: number, b: number): {open: string}}
  const ansis = stdout ? withProcessStdout(stdout, load) : load()
  const open = ansis.rgb(255, 0, 0).open
  if (open === '') return 0
  if (open.includes('38;2;')) return 3
  if (open.includes('38;5;')) return 2
  return 1
}

/** Runs `body` with `process.stdout` answering `stdout` (the property is a configurable getter on every Node). */
function withProcessStdout<T>(stdout: Stdout, body: () => T): T {
  const real = Object.getOwnPropertyDescriptor(process, 'stdout')
  if (!real?.configurable) return body()
  Object.defineProperty(process, 'stdout', {configurable: true, enumerable: real.enumerable, get: () => stdout})
  try {
    return body()
  } finally {
    Object.defineProperty(process, 'stdout', real)
  }
}

const scopedTrue = (value: string | undefined) => value === '1' || value === 'true'

/**
 * Whether the kept pages may answer in this environment: false when oclif would render help differently (a user
 * theme, user-installed plugins, a locale that sorts commands differently, Windows' other paths) or say more
 * (GROQ_DEBUG). bin/run.js checks the rest (DEBUG, NODE_ENV, init hooks), as for `--version`.
 */
export function mayAnswer(env: NodeJS.ProcessEnv, platform: string = process.platform): boolean {
  if (platform === 'win32' || scopedTrue(env.GROQ_DEBUG) || !hasPlainCollation(env)) return false
  // Config#load: home, then the config and data directories (Config#dir).
  const home = env.HOME || homedir() || tmpdir()
  const configDir = env.GROQ_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(home, '.config'), 'groq')
  const dataDir = env.GROQ_DATA_DIR || join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'groq')
  if (!scopedTrue(env.GROQ_DISABLE_THEME) && existsSync(join(configDir, 'theme.json'))) return false
  // PluginLoader#loadUserPlugins reads user and linked plugins from here.
  return !existsSync(join(dataDir, 'package.json'))
}

export interface HelpRequest {
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  /** The package root (where package.json and dist/ are). */
  root: string
  stdout: Stdout
  /** oclif's `config.userAgent` for this process (bin/run.js computes it for --version). */
  userAgent: string
  /** For tests: the colour level, instead of asking ansis. */
  colourLevel?: number
}

export type HelpAnswer =
  /** The page: write it to stdout, exit 0. */
  | {page: Buffer; save?: undefined}
  /** A command line the build listed, without a page for this terminal yet: let oclif answer, then save its page. */
  | {page?: undefined; save: (page: string) => void}

/** The kept page for this help command line, a way to keep oclif's, or undefined when it is not a help page we keep. */
export function lookupHelp(request: HelpRequest): HelpAnswer | undefined {
  const helpDir = join(request.root, 'dist', 'help')
  let index: HelpIndex
  try {
    index = JSON.parse(readFileSync(join(helpDir, 'index.json'), 'utf8')) as HelpIndex
  } catch {
    return undefined // no pages built (or unreadable): oclif
  }
  if (index.format !== INDEX_FORMAT || !isFresh(request.root)) return undefined
  const form = index.forms[formKey(request.argv)]
  if (!form || !mayAnswer(request.env)) return undefined

  const width = helpWidth(request.env, request.stdout)
  const level = request.colourLevel ?? ansisColourLevel(join(request.root, index.ansis), request.stdout)
  const key = terminalKey(width, level)
  const built = form.pages[key]
  const platform = `${process.platform}-${process.arch}`
  if (built && index.platform === platform && (!form.showsUserAgent || index.userAgent === request.userAgent)) {
    const page = readIfPresent(join(helpDir, 'pages', built[0]))
    if (page?.length === built[1]) return {page}
  }

  // The run-time store: pages oclif printed here, for this install and build, version line and terminal. Two
  // installs (another checkout, a global and a local one) may share a build's pages but not its other pages: each
  // keeps its own, and a page names the install it is for.
  const stored = join(
    storeDir(request.env, request.root, index.id),
    encodeURIComponent(request.userAgent),
    key,
    encodeURIComponent(`@${formKey(request.argv)}`),
  )
  const page = readStoredPage(stored, request.root)
  if (page) return {page}
  return {
    save: (text: string) => {
      try {
        const body = Buffer.from(text, 'utf8')
        const header = `groq-help ${body.length} ${encodeURIComponent(request.root)}\n`
        writeAtomically(stored, Buffer.concat([Buffer.from(header), body]))
      } catch {
        // a page not kept is only a slower next time
      }
    },
  }
}

/**
 * The folder of the run-time store for one install (its root) and build (the pages' id):
 * `$XDG_CACHE_HOME/groq/help/<build id>-<hash of the root>`.
 */
export function storeDir(env: NodeJS.ProcessEnv, root: string, buildId: string): string {
  // FNV-1a: short and cheap (no node:crypto on the help path); a page also names its root, so a clash is harmless.
  let hash = 0x811c9dc5
  for (let index = 0; index < root.length; index++) hash = Math.imul(hash ^ root.charCodeAt(index), 0x01000193)
  return join(groqCacheDir(env), 'help', `${buildId}-${(hash >>> 0).toString(16).padStart(8, '0')}`)
}

/**
 * A page of the run-time store: `groq-help <byte length> <root, URI-encoded>\n` then the page; undefined when
 * missing, cut short, or kept by another install.
 */
function readStoredPage(path: string, root: string): Buffer | undefined {
  const data = readIfPresent(path)
  const newline = data?.indexOf(10) ?? -1
  if (!data || newline < 0) return undefined
  const match = /^groq-help (\d+) (\S+)$/.exec(data.toString('latin1', 0, newline))
  const page = data.subarray(newline + 1)
  return match && Number(match[1]) === page.length && match[2] === encodeURIComponent(root) ? page : undefined
}

/**
 * Whether the pages were rendered from the dist/ beside them: tsc rewrites every file it emits, dist/lib/boot/
 * help-pages.js included, and the build renders last, so pages older than that file are from before a `tsc` alone (a
 * developer's quick rebuild) and may be stale. (An installed package's files all have one date.)
 */
function isFresh(root: string): boolean {
  try {
    const rendered = statSync(join(root, 'dist', 'help', 'index.json')).mtimeMs
    return rendered >= statSync(join(root, 'dist', 'lib', 'boot', 'help-pages.js')).mtimeMs
  } catch {
    return false
  }
}
