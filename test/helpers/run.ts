import {Config} from '@oclif/core'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough, Readable} from 'node:stream'
import {fileURLToPath} from 'node:url'

import {type IO, setIO} from '../../src/lib/core/io.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

let configPromise: Promise<Config> | undefined
const loadConfig = () => (configPromise ??= Config.load({root: ROOT}))

export interface RunOptions {
  /** Environment for the command; GROQ_* from the developer's shell never leaks in. */
  env?: NodeJS.ProcessEnv
  /** Text on stdin (not a TTY); omit for a TTY stdin with nothing to read. */
  stdin?: string
  stdinTTY?: boolean
  stdoutTTY?: boolean
  stderrTTY?: boolean
  columns?: number
}

export interface RunResult {
  exitCode: number
  stderr: string
  stdout: string
}

class Capture extends PassThrough {
  chunks: Buffer[] = []
  isTTY?: boolean
  columns?: number
  constructor(tty: boolean, columns?: number) {
    super()
    this.isTTY = tty || undefined
    this.columns = columns
    this.on('data', (chunk: Buffer) => this.chunks.push(chunk))
  }
  text() {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}

const tempHomes: string[] = []

/** Removes every home tempHome() made (test/setup.ts calls it after each file). */
export function removeTempHomes(): void {
  for (const root of tempHomes.splice(0)) rmSync(root, {force: true, recursive: true})
}

/** A fresh, empty XDG home for one test, so the developer's own config never changes a result. */
export function tempHome(): {configHome: string; dataHome: string; env: NodeJS.ProcessEnv; root: string} {
  const root = mkdtempSync(join(tmpdir(), 'groq-test-'))
  tempHomes.push(root)
  const configHome = join(root, 'config')
  const dataHome = join(root, 'data')
  return {
    configHome,
    dataHome,
    env: {HOME: root, XDG_CACHE_HOME: join(root, 'cache'), XDG_CONFIG_HOME: configHome, XDG_DATA_HOME: dataHome},
    root,
  }
}

type CommandClass = {run(argv: string[], config: Config): Promise<unknown>}

/**
 * Runs a command class in-process (the rdme/heroku style): real flag parsing, real rendering,
 * fake streams. Returns what a user would see on stdout and stderr and the exit code.
 */
export async function run(command: CommandClass, argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const config = await loadConfig()
  const stdout = new Capture(Boolean(options.stdoutTTY), options.columns)
  const stderr = new Capture(Boolean(options.stderrTTY))
  const stdin = options.stdin === undefined ? Readable.from([]) : Readable.from([Buffer.from(options.stdin)])
  ;(stdin as Readable & {isTTY?: boolean}).isTTY = options.stdinTTY ?? (options.stdin === undefined ? false : undefined)
  const env = {...(options.env ?? tempHome().env)}
  const io: IO = {env, stderr, stdin, stdout}
  setIO(io)
  process.exitCode = undefined
  try {
    await command.run(argv, config)
  } finally {
    setIO(undefined)
  }
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return {exitCode, stderr: stderr.text(), stdout: stdout.text()}
}
