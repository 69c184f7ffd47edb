import type {IO} from '../core/io.js'

/**
 * Long output on a terminal goes through a pager, as git and gh do: `$GROQ_PAGER`, else `$PAGER`, else
 * `less -FRX` (quit at once if it fits, keep colours, leave the text on screen). An empty GROQ_PAGER or PAGER, or
 * `--no-pager`, turns it off; so does a stdout that is not a terminal (a pipe or a file never gets a pager). Text
 * that fits on the screen is printed directly, without starting a process.
 */

export const DEFAULT_PAGER = 'less -FRX'

/** The pager command to use, or undefined when output goes straight to stdout. */
export function pagerCommand(io: IO, noPager: boolean): string | undefined {
  if (noPager || !io.stdout.isTTY) return undefined
  const chosen = io.env.GROQ_PAGER ?? io.env.PAGER ?? DEFAULT_PAGER
  const command = chosen.trim()
  // `cat` is what people set to mean "no pager".
  if (command === '' || command === 'cat') return undefined
  return command
}

/** Screen lines the text takes once the terminal wraps it. */
export function screenLines(text: string, columns: number): number {
  let lines = 0
  // eslint-disable-next-line no-control-regex
  for (const line of text.replaceAll(/\u001B\[[0-9;]*m/g, '').split('\n')) {
    lines += Math.max(1, Math.ceil([...line].length / Math.max(1, columns)))
  }
  return text.endsWith('\n') ? lines - 1 : lines
}

/**
 * Writes `text` to stdout, through the pager when one is set and the text is taller than the screen. Resolves when
 * the pager has exited (the user quit it), with true when the pager showed the text. If the pager cannot be started
 * the text goes to stdout.
 */
export async function writePaged(io: IO, text: string, command: string | undefined): Promise<boolean> {
  const rows = (io.stdout as {rows?: number}).rows ?? 24
  const columns = io.stdout.columns ?? 80
  if (!command || screenLines(text, columns) < rows) {
    await writeDirect(io, text)
    return false
  }
  const {spawn} = await import('node:child_process')
  // less reads LESS; git sets the same defaults when the user has none, so `PAGER=less` keeps colours too.
  const env = {...io.env, LESS: io.env.LESS ?? 'FRX', LV: io.env.LV ?? '-c'}
  // Ctrl-C in the pager is the pager's (less uses it to stop a search); this process waits for it to exit.
  const interruptListeners = process.listeners('SIGINT')
  process.removeAllListeners('SIGINT')
  const ignore = () => {}
  process.on('SIGINT', ignore)
  const started = await new Promise<boolean>((resolve) => {
    // The pager writes to our terminal itself; a stdout that is not the process's (in-process tests) gets a copy.
    const own = io.stdout === process.stdout
    const child = spawn(command, {env, shell: true, stdio: ['pipe', own ? 'inherit' : 'pipe', 'inherit']})
    child.stdout?.pipe(io.stdout, {end: false})
    child.on('error', () => resolve(false))
    child.on('spawn', () => {
      // The user may quit before reading everything: that closes the pipe, which is not an error.
      child.stdin?.on('error', () => {})
      child.stdin?.end(text)
    })
    child.on('close', (code) => resolve(code !== 127))
  })
  process.off('SIGINT', ignore)
  for (const listener of interruptListeners) process.on('SIGINT', listener)
  if (!started) await writeDirect(io, text)
  return started
}

function writeDirect(io: IO, text: string): Promise<void> {
  return new Promise((resolve, reject) => io.stdout.write(text, (error) => (error ? reject(error) : resolve())))
}
