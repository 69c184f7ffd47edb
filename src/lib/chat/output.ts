import {once} from 'node:events'

import {write} from '../core/io.js'
import type {ToolCall} from './assemble.js'
import type {TurnTiming, Usage} from './types.js'

/**
 * Where an answer's text goes as it arrives: as the model wrote it (AnswerWriter) or rendered as markdown on a
 * terminal (RenderedAnswerWriter, chat/rendered-answer.ts). One-shot chat and the REPL both write through it.
 */
export interface AnswerOutput {
  /** Returns a promise only when the writer must wait (backpressure, or the renderer still loading). */
  write(text: string): Promise<unknown> | void
  /** Whether any text has been written. */
  readonly started: boolean
  /** Ends the answer with exactly one newline (when anything was written), flushed before resolving. */
  end(): Promise<void>
  /** Ctrl-C when the process exits next: what was shown stays, and its line is ended, synchronously. */
  closeNow(): void
}

/**
 * Writes answer text to stdout the moment it arrives, so that the whole answer ends in exactly one
 * newline: trailing line breaks are held back until more text follows them (they are whitespace,
 * so holding them delays nothing a reader can see), and end() adds the single final "\n".
 */
export class AnswerWriter implements AnswerOutput {
  private held = ''
  private wrote = false

  constructor(private readonly stream: NodeJS.WritableStream) {}

  /** Returns a promise only when the stream asks to wait (backpressure). */
  write(text: string): Promise<unknown> | void {
    let end = text.length
    let code = text.charCodeAt(end - 1)
    while (end > 0 && (code === 10 || code === 13)) code = text.charCodeAt(--end - 1)
    if (end === 0) {
      this.held += text
      return
    }
    let out = end === text.length ? text : text.slice(0, end)
    if (this.held) out = this.held + out
    this.held = end === text.length ? '' : text.slice(end)
    this.wrote = true
    if (!this.stream.write(out)) return once(this.stream, 'drain')
  }

  get started(): boolean {
    return this.wrote
  }

  /** The final newline (when anything was written), flushed before resolving. */
  async end(): Promise<void> {
    if (this.wrote) {
      this.held = ''
      this.wrote = false
      await write(this.stream, '\n')
    }
  }

  closeNow(): void {
    if (this.wrote) this.stream.write('\n')
    this.wrote = false
  }
}

/**
 * Reasoning text on stderr as it arrives; once the answer starts (or at the end) the reasoning
 * gets its closing newline so the two never share a line on a terminal.
 */
export class ReasoningWriter {
  private open = false

  constructor(private readonly stream: NodeJS.WritableStream) {}

  write(text: string): void {
    this.stream.write(text)
    this.open = !text.endsWith('\n')
  }

  close(): void {
    if (this.open) this.stream.write('\n')
    this.open = false
  }
}

/** Tool calls as plain rows: id, function name, arguments (the model's JSON, as sent). */
export function formatToolCalls(calls: ToolCall[]): string {
  return calls
    .map(
      (call) =>
        `${call.id}\t${call.function?.name ?? call.type}\t${(call.function?.arguments ?? '').replaceAll(/[\r\n]+/g, ' ')}\n`,
    )
    .join('')
}

const number = (value: number) => value.toLocaleString('en-US')

/**
 * The --stats line: model, tokens in and out, time to first token, and speed. Speed uses Groq's
 * own completion_time when present (server-side generation time), else the local stream time.
 */
export function formatStats(model: string, usage: Usage | undefined, timing: TurnTiming | undefined): string {
  const parts = [model || 'unknown model']
  if (usage) parts.push(`${number(usage.prompt_tokens)} in, ${number(usage.completion_tokens)} out`)
  if (timing?.firstDeltaMs !== undefined) parts.push(`first token ${formatMs(timing.firstDeltaMs)}`)
  const speed = tokensPerSecond(usage, timing)
  if (speed !== undefined) parts.push(`${number(Math.round(speed))} tokens/s`)
  if (typeof usage?.queue_time === 'number' && usage.queue_time > 0)
    parts.push(`queued ${formatMs(usage.queue_time * 1000)}`)
  return parts.join(' · ')
}

function tokensPerSecond(usage: Usage | undefined, timing: TurnTiming | undefined): number | undefined {
  if (!usage || !usage.completion_tokens) return undefined
  const serverTime = usage.completion_time
  if (typeof serverTime === 'number' && serverTime > 0) return usage.completion_tokens / serverTime
  if (timing?.firstDeltaMs !== undefined && timing.totalMs > timing.firstDeltaMs) {
    return usage.completion_tokens / ((timing.totalMs - timing.firstDeltaMs) / 1000)
  }
  return undefined
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}
