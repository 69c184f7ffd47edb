/**
 * A small, fast server-sent-events parser (the WHATWG event-stream format) for chat streams.
 *
 * Feed it decoded text as it arrives; it calls `onEvent(data, event)` once per complete event.
 * It keeps only the unfinished last line between calls, handles LF, CRLF and lone CR line ends
 * (also when a CRLF is split across two reads), joins multi-line `data:` fields with "\n",
 * skips comments (`: keep-alive`) and ignores `id:` and `retry:`. Events without data are not
 * dispatched, as the spec says.
 *
 * groq-sdk's own iterator decodes line by line through async generators, which costs about three
 * times the CPU of a hand-written loop; this one does one indexOf per line and one slice per field.
 */
export type SSEEventHandler = (data: string, event: string | undefined) => void

const COLON = 58
const SPACE = 32

export class SSEParser {
  private rest = ''
  private data: string | undefined
  private event: string | undefined
  /** The previous text ended in CR: a LF that starts the next text belongs to it. */
  private pendingCR = false

  constructor(private readonly onEvent: SSEEventHandler) {}

  /** Parses the next piece of the stream; complete events are dispatched before it returns. */
  feed(text: string): void {
    if (text.length === 0) return
    if (this.pendingCR) {
      this.pendingCR = false
      if (text.charCodeAt(0) === 10) text = text.slice(1)
    }
    if (text.includes('\r')) {
      this.pendingCR = text.charCodeAt(text.length - 1) === 13
      text = text.replaceAll(/\r\n?/g, '\n')
    }
    // Fast path: the piece is exactly one `data:` line and its blank line (one event per HTTP chunk,
    // which is how servers send a chat stream).
    if (this.rest.length === 0 && this.data === undefined && this.event === undefined) {
      const length = text.length
      if (
        length > 7 &&
        text.charCodeAt(length - 1) === 10 &&
        text.charCodeAt(length - 2) === 10 &&
        text.startsWith('data: ') &&
        text.indexOf('\n') === length - 2
      ) {
        this.onEvent(text.slice(6, length - 2), undefined)
        return
      }
    }
    const buffer = this.rest.length > 0 ? this.rest + text : text
    let start = 0
    let newline = buffer.indexOf('\n')
    while (newline !== -1) {
      this.line(buffer, start, newline)
      start = newline + 1
      newline = buffer.indexOf('\n', start)
    }
    this.rest = start === 0 ? buffer : buffer.slice(start)
  }

  /**
   * The stream ended. A last event that lacks its closing blank line is still dispatched (the
   * spec would drop it; being lenient here loses nothing, and a truncated stream is detected by the
   * missing `[DONE]` anyway).
   */
  end(): void {
    if (this.rest.length > 0) {
      const line = this.rest
      this.rest = ''
      this.line(line, 0, line.length)
    }
    this.dispatch()
  }

  private line(buffer: string, start: number, end: number): void {
    if (start === end) {
      this.dispatch()
      return
    }
    const first = buffer.charCodeAt(start)
    if (first === COLON) return
    // Fast path: nearly every line of a chat stream is `data: {…}`.
    if (first === 100 && buffer.startsWith('data:', start)) {
      let from = start + 5
      if (buffer.charCodeAt(from) === SPACE) from++
      const value = buffer.slice(from, end)
      this.data = this.data === undefined ? value : this.data + '\n' + value
      return
    }
    const colon = buffer.indexOf(':', start)
    let field: string
    let value: string
    if (colon === -1 || colon > end) {
      field = buffer.slice(start, end)
      value = ''
    } else {
      field = buffer.slice(start, colon)
      let from = colon + 1
      if (buffer.charCodeAt(from) === SPACE) from++
      value = buffer.slice(from, end)
    }
    if (field === 'data') this.data = this.data === undefined ? value : this.data + '\n' + value
    else if (field === 'event') this.event = value
    // id, retry and unknown fields do not matter for a chat stream.
  }

  private dispatch(): void {
    const {data, event} = this
    this.data = undefined
    this.event = undefined
    if (data !== undefined) this.onEvent(data, event)
  }
}
