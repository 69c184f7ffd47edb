import {EventEmitter} from 'node:events'

import {readStdinText} from './input.js'

/**
 * Where the CLI reads and writes, and what it knows about the terminal.
 * Commands never touch process.stdout/stderr directly, so tests can swap this out.
 */
export interface IO {
  stdin: NodeJS.ReadableStream & {isTTY?: boolean}
  stdout: NodeJS.WritableStream & {columns?: number; isTTY?: boolean}
  stderr: NodeJS.WritableStream & {isTTY?: boolean}
  env: NodeJS.ProcessEnv
}

// Each stream is made on first use, as process.stdin etc. are: a command that never reads stdin does not make it (with
// stdin on /dev/null or a file, Node's fs streams and promise-based fs load for it, ~2-3 ms on Node 22).
export const processIO: IO = {
  env: process.env,
  get stderr() {
    return process.stderr
  },
  get stdin() {
    return process.stdin
  },
  get stdout() {
    return process.stdout
  },
}

let activeIO: IO = processIO

/** The IO commands use: the real process, unless a test swapped it. */
export const getIO = (): IO => activeIO

/** For tests: run commands in-process against fake streams and a fake environment. */
export function setIO(io: IO | undefined): void {
  activeIO = io ?? processIO
}

export const isStdoutTTY = (io: IO): boolean => Boolean(io.stdout.isTTY)
export const isStderrTTY = (io: IO): boolean => Boolean(io.stderr.isTTY)
export const isStdinTTY = (io: IO): boolean => Boolean(io.stdin.isTTY)

/** True when a truthy env var is set (CI=true, CI=1; CI=0/false means off). */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

/** Colour only on a TTY, and never when NO_COLOR is set or --no-color is given. */
export function colorEnabled(io: IO, noColorFlag: boolean): boolean {
  if (noColorFlag) return false
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true
  return isStdoutTTY(io) && io.env.TERM !== 'dumb'
}

/**
 * Reads all of stdin as text, bounded and checked (core/input.ts `readStdinText`): more than `maxBytes` (default
 * 10 MB, config `max_stdin`), binary data or invalid UTF-8 is a usage error (exit 2), not a silent U+FFFD.
 */
export async function readStdin(io: IO, options: {maxBytes?: number; what?: string} = {}): Promise<string> {
  return readStdinText(io, options)
}

/** Writes and resolves once the data is handed to the OS (so exit never truncates piped output). */
export function write(stream: NodeJS.WritableStream, text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()))
  })
}

const stdoutCloseListeners = new Set<() => void>()

/**
 * For BaseCommand's EPIPE handler: stdout's reader went away (`groq … | head -1`). True when a command asked to go on
 * (`keepRunningWhenStdoutCloses`), which has then been told; false, and the process exits 0 at once as usual.
 */
export function stdoutClosed(): boolean {
  if (stdoutCloseListeners.size === 0) return false
  for (const listener of stdoutCloseListeners) listener()
  return true
}

const isClosedPipe = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED'
}

/**
 * stdout for work that must finish when its reader goes away (chat saving its answer: `groq chat --save … | head`):
 * writes go through until stdout closes, are dropped after (a write waiting for 'drain' is released), and the
 * process does not exit at the EPIPE. `closed()` says whether it happened; `release()` when the work is done.
 */
export function keepRunningWhenStdoutCloses(io: IO): {
  closed(): boolean
  release(): void
  stdout: IO['stdout']
} {
  const target = io.stdout
  let closed = false
  const guard = new EventEmitter() as EventEmitter & {columns?: number; isTTY?: boolean; write: unknown}
  const close = () => {
    if (closed) return
    closed = true
    guard.emit('drain')
  }
  const onDrain = () => guard.emit('drain')
  target.on('drain', onDrain)
  stdoutCloseListeners.add(close)
  Object.defineProperties(guard, {
    columns: {get: () => target.columns},
    isTTY: {get: () => target.isTTY},
  })
  guard.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const callback = rest.find((value) => typeof value === 'function') as ((error?: Error | null) => void) | undefined
    if (closed) {
      if (callback) process.nextTick(callback)
      return true
    }
    return target.write(chunk, (error?: Error | null) => {
      if (error && isClosedPipe(error)) {
        close()
        callback?.()
      } else callback?.(error)
    })
  }
  return {
    closed: () => closed,
    release() {
      stdoutCloseListeners.delete(close)
      target.off('drain', onDrain)
    },
    stdout: guard as unknown as IO['stdout'],
  }
}
