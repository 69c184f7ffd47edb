import {once} from 'node:events'

import {write} from '../core/io.js'
import {loadMarkdown, MarkdownStream} from '../ux/markdown.js'
import {type AnswerOutput, AnswerWriter} from './output.js'

/**
 * The writer for an answer on `stream`: rendered as markdown when `render` is on (the caller decides: a terminal,
 * and neither --no-render, --raw nor config chat.render false), else the model's text as it came.
 */
export function answerOutput(
  stream: NodeJS.WritableStream & {columns?: number},
  options: {color: boolean; render: boolean},
): AnswerOutput {
  return options.render
    ? new RenderedAnswerWriter(stream, {color: options.color, width: stream.columns ?? 80})
    : new AnswerWriter(stream)
}

/**
 * The answer on a terminal, with its markdown rendered as it streams (ux/markdown.ts): the same contract as
 * AnswerWriter (write per delta, `started`, `end()` leaving exactly one final newline), so the chat code chooses one
 * or the other and nothing else changes. The renderer's parser is loaded while the request is on its way; deltas
 * that arrive before it is ready wait for it, in order.
 */
export class RenderedAnswerWriter implements AnswerOutput {
  private markdown?: MarkdownStream
  private readonly ready: Promise<void>
  private queued = ''
  private wrote = false

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly options: {color: boolean; width: number},
  ) {
    this.ready = loadMarkdown().then(() => {
      this.markdown = new MarkdownStream(this.options)
    })
    // A failed load surfaces at the first write, or in end().
    this.ready.catch(() => {})
  }

  /** Returns a promise only when the writer must wait (the parser still loading, or backpressure). */
  write(text: string): Promise<unknown> | void {
    this.wrote ||= text !== ''
    if (!this.markdown) {
      this.queued += text
      return this.ready.then(() => {
        const queued = this.queued
        this.queued = ''
        return queued ? this.write(queued) : undefined
      })
    }
    const out = this.markdown.push(text)
    if (out && !this.stream.write(out)) return once(this.stream, 'drain')
  }

  get started(): boolean {
    return this.wrote
  }

  /** Renders what is left (the last line, an open table) and ends the answer. */
  async end(): Promise<void> {
    await this.ready
    if (this.queued) await this.write('')
    const out = this.markdown!.end()
    if (out) await write(this.stream, out)
  }

  /** Ctrl-C: what is rendered so far stays, and the line is ended, synchronously (the process exits next). */
  closeNow(): void {
    const out = this.markdown ? this.markdown.end() : this.queued ? this.queued + '\n' : ''
    if (out) this.stream.write(out)
  }
}
