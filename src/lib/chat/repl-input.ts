import {createInterface, type Interface} from 'node:readline'

import type {IO} from '../core/io.js'

/**
 * Joins physical lines into one message. A trailing backslash continues the line; a line that starts
 * with `"""` opens a block that runs to the next line ending with `"""` (both may be on one line).
 */
export class MultiLine {
  private mode?: 'backslash' | 'quotes'
  private parts: string[] = []

  /** True while a continued line or a `"""` block waits for more. */
  get pending(): boolean {
    return this.mode !== undefined
  }

  reset(): void {
    this.mode = undefined
    this.parts = []
  }

  /**
   * Feeds one line. Returns undefined while more is expected; otherwise the text, and whether it may
   * be a slash command (a `"""` block never is, so it can carry text that starts with a slash).
   */
  push(line: string): undefined | {command: boolean; text: string} {
    if (this.mode === 'quotes') {
      const end = line.trimEnd()
      if (!end.endsWith('"""')) {
        this.parts.push(line)
        return undefined
      }
      const last = end.slice(0, -3)
      if (last !== '') this.parts.push(last)
      return this.finish(false)
    }
    if (this.mode === undefined && line.trimStart().startsWith('"""')) {
      const rest = line.trimStart().slice(3)
      const end = rest.trimEnd()
      if (end.endsWith('"""')) return {command: false, text: end.slice(0, -3)}
      this.mode = 'quotes'
      if (rest !== '') this.parts.push(rest)
      return undefined
    }
    if (line.endsWith('\\')) {
      this.mode = 'backslash'
      this.parts.push(line.slice(0, -1))
      return undefined
    }
    this.parts.push(line)
    return this.finish(true)
  }

  private finish(command: boolean): {command: boolean; text: string} {
    const text = this.parts.join('\n')
    this.reset()
    return {command, text}
  }
}

export type Input = {hadText: boolean; kind: 'interrupt'} | {kind: 'eof'} | {kind: 'line'; text: string}

type RawModeStream = NodeJS.ReadableStream & {isTTY?: boolean; setRawMode?(mode: boolean): unknown}

/**
 * Lines from readline as a queue the REPL awaits one at a time, so lines piped in ahead of time are
 * never lost while an answer streams. Ctrl-C at the prompt arrives as an 'interrupt' input.
 */
export class LineReader {
  /** Prompts, line editing and up-arrow history: only when both stdin and stderr are terminals. */
  readonly terminal: boolean
  private closed = false
  private readonly queue: Input[] = []
  private readonly rl: Interface
  private waiter?: (input: Input) => void

  constructor(
    private readonly io: IO,
    options: {completer?: (line: string) => [string[], string]; onSigint(): void},
  ) {
    this.terminal = Boolean(io.stdin.isTTY && io.stderr.isTTY)
    this.rl = createInterface({
      completer: this.terminal ? options.completer : undefined,
      historySize: 1000,
      input: io.stdin,
      output: io.stderr,
      removeHistoryDuplicates: true,
      terminal: this.terminal,
    })
    this.rl.on('line', (text) => this.deliver({kind: 'line', text}))
    this.rl.on('close', () => {
      this.closed = true
      this.deliver({kind: 'eof'})
    })
    // In raw mode Ctrl-C is a key, not a signal: readline reports it here (with a listener it never closes).
    this.rl.on('SIGINT', options.onSigint)
  }

  /** True while the REPL waits at the prompt. */
  get reading(): boolean {
    return this.waiter !== undefined
  }

  /** The next line (prompting first on a terminal), end of input, or Ctrl-C. */
  read(prompt: string): Promise<Input> {
    const queued = this.queue.shift()
    if (queued) return Promise.resolve(queued)
    if (this.closed) return Promise.resolve({kind: 'eof'})
    return new Promise((resolve) => {
      this.waiter = resolve
      if (this.terminal) {
        this.rl.setPrompt(prompt)
        this.rl.prompt()
      }
    })
  }

  /** Ctrl-C while reading: drops what was typed and hands the REPL an 'interrupt'. */
  interrupt(): void {
    if (!this.waiter) return
    const hadText = this.rl.line.length > 0
    if (this.terminal) {
      // Ends the line on screen and empties readline's buffer, as Node's own REPL does (not in @types/node).
      const rl = this.rl as Interface & {clearLine?: () => void}
      if (typeof rl.clearLine === 'function') rl.clearLine()
      else {
        rl.write(null, {ctrl: true, name: 'e'})
        rl.write(null, {ctrl: true, name: 'u'})
        this.io.stderr.write('\n')
      }
    }
    this.deliver({hadText, kind: 'interrupt'})
  }

  /**
   * While an answer streams: stop reading and leave raw mode, so keys are not echoed into the
   * answer by readline and Ctrl-C reaches the process as SIGINT.
   */
  suspend(): void {
    if (!this.terminal || this.closed) return
    this.rl.pause()
    this.setRawMode(false)
  }

  /** Back to line editing (the next read() resumes the stream). */
  restore(): void {
    if (!this.terminal || this.closed) return
    this.setRawMode(true)
  }

  close(): void {
    this.rl.removeAllListeners('SIGINT')
    this.closed = true
    this.rl.close()
  }

  private deliver(input: Input): void {
    const waiter = this.waiter
    if (waiter) {
      this.waiter = undefined
      waiter(input)
    } else if (input.kind === 'line' || input.kind === 'eof') {
      this.queue.push(input)
    }
  }

  private setRawMode(mode: boolean): void {
    const stdin = this.io.stdin as RawModeStream
    if (typeof stdin.setRawMode === 'function') stdin.setRawMode(mode)
  }
}
