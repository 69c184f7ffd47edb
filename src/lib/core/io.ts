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

export const processIO: IO = {
  env: process.env,
  stderr: process.stderr,
  stdin: process.stdin,
  stdout: process.stdout,
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
