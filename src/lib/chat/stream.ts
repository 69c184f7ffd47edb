import {CliError} from '../errors.js'
import {ExitCode} from '../exit-codes.js'
import {type ChatChunk, ChunkAssembler} from './assemble.js'
import {SSEParser} from './sse.js'

export interface StreamCallbacks {
  /** Each chunk's raw JSON text (one `data:` payload), before it is interpreted. */
  onChunk?(data: string): void
  /**
   * Answer text of choice 0. Deltas that arrive in the same network read are delivered together
   * at the end of that read (they arrived at the same moment); the very first one at once.
   * May return a promise (backpressure): reading pauses until it settles.
   */
  onDelta?(text: string): Promise<void> | void
  /** Reasoning text of choice 0 (reasoning_format=parsed), delivered like onDelta. */
  onReasoning?(text: string): Promise<void> | void
}

export interface StreamOptions extends StreamCallbacks {
  /** Abort (Ctrl-C): reading stops and the result says `interrupted`. */
  signal?: AbortSignal
  /** No byte for this long ends the stream with a network error (exit 6). */
  idleTimeoutMs?: number
}

export interface StreamResult {
  assembler: ChunkAssembler
  /** performance.now() when the first answer or reasoning text arrived. */
  firstDeltaAt?: number
  interrupted: boolean
}

/** A stream that stopped part way: the partial answer is kept for whoever wants it. */
export class StreamError extends CliError {
  constructor(
    message: string,
    exitCode: 1 | 6,
    readonly assembler: ChunkAssembler,
  ) {
    super(message, exitCode)
    this.name = 'StreamError'
  }
}

/** Groq's mid-stream error: `data: {"error": {...}}`, an `event: error`, or `x_groq.error`. */
function errorLine(value: unknown): string {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object') {
    const {code, message, type} = value as {code?: unknown; message?: unknown; type?: unknown}
    const kind = [type, code !== type ? code : undefined].filter((part) => typeof part === 'string' && part).join(', ')
    const text = typeof message === 'string' && message ? message : JSON.stringify(value)
    return kind ? `${text} (${kind})` : text
  }
  return String(value)
}

/** The innermost message under fetch's "terminated" wrapper: "other side closed", ECONNRESET, … */
function causeText(error: unknown): string {
  let current: unknown = error
  let text = ''
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const {code} = current as {code?: unknown}
    text = typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : current.message
    current = (current as {cause?: unknown}).cause
  }
  return text
}

const isAbort = (error: unknown) => error instanceof Error && (error.name === 'AbortError' || error.constructor.name === 'APIUserAbortError')

/**
 * Reads a chat completion SSE body: parses every chunk, folds it into the completion, and hands
 * answer and reasoning text to the callbacks as it arrives. Ends at `data: [DONE]`.
 *
 * - an error event mid-stream: StreamError, exit 1, with Groq's message;
 * - the connection cut, or the body ending without `[DONE]`, or no byte for idleTimeoutMs: exit 6;
 * - the signal aborted (Ctrl-C): returns with `interrupted: true` and the partial answer.
 */
export async function readChatStream(body: ReadableStream<Uint8Array>, options: StreamOptions = {}): Promise<StreamResult> {
  const {onChunk, onDelta, onReasoning, signal} = options
  const assembler = new ChunkAssembler()
  const decoder = new TextDecoder()
  let done = false
  let content = ''
  let reasoning = ''
  let firstDeltaAt: number | undefined
  let pending: Promise<void> | undefined

  const parser = new SSEParser((data, event) => {
    if (done) return
    if (data.startsWith('[DONE]')) {
      done = true
      return
    }
    let chunk: ChatChunk
    try {
      chunk = JSON.parse(data) as ChatChunk
    } catch {
      throw new StreamError(`The stream sent a chunk that is not JSON: ${data.slice(0, 200)}`, ExitCode.error, assembler)
    }
    if (event === 'error' || chunk.error) throw new StreamError(`Stream error: ${errorLine(chunk.error ?? chunk)}`, ExitCode.error, assembler)
    if (onChunk) onChunk(data)
    assembler.add(chunk)
    const choice = chunk.choices?.[0]
    const delta = choice?.delta
    if (delta && (choice.index ?? 0) === 0) {
      const text = delta.content
      const thought = delta.reasoning
      if (text || thought) {
        if (thought) reasoning += thought
        if (text) content += text
        if (firstDeltaAt === undefined) {
          firstDeltaAt = performance.now()
          flush()
        }
      }
    }
    const xError = chunk.x_groq?.error
    if (xError) throw new StreamError(`Stream error: ${errorLine(xError)}`, ExitCode.error, assembler)
  })

  function flush(): void {
    if (reasoning) {
      const text = reasoning
      reasoning = ''
      pending = onReasoning?.(text) || pending
    }
    if (content) {
      const text = content
      content = ''
      pending = onDelta?.(text) || pending
    }
  }

  const reader = body.getReader()
  let idleTimer: NodeJS.Timeout | undefined
  let idle = false
  let ended = false
  if (options.idleTimeoutMs) {
    idleTimer = setTimeout(() => {
      idle = true
      reader.cancel().catch(() => {})
    }, options.idleTimeoutMs)
  }
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>
      try {
        result = await reader.read()
      } catch (error) {
        if (signal?.aborted || isAbort(error)) return {assembler, firstDeltaAt, interrupted: true}
        const cause = causeText(error)
        throw new StreamError(`The connection was cut while streaming the answer${cause ? ` (${cause})` : ''}`, ExitCode.network, assembler)
      }
      if (idle) {
        throw new StreamError(`No data for ${Math.round(options.idleTimeoutMs! / 1000)}s while streaming the answer (raise --timeout?)`, ExitCode.network, assembler)
      }
      if (result.done) {
        ended = true
        parser.feed(decoder.decode())
        parser.end()
        flush()
        if (pending) await pending
        break
      }
      idleTimer?.refresh()
      parser.feed(decoder.decode(result.value, {stream: true}))
      flush()
      if (pending) {
        await pending
        pending = undefined
      }
      if (done) break
    }
  } finally {
    if (idleTimer) clearTimeout(idleTimer)
    // After [DONE] nothing more is needed; cancelling also frees the connection on an early stop.
    if (!ended) reader.cancel().catch(() => {})
  }
  if (signal?.aborted) return {assembler, firstDeltaAt, interrupted: true}
  if (!done) {
    throw new StreamError('The connection closed before the answer was complete (no [DONE] at the end of the stream)', ExitCode.network, assembler)
  }
  return {assembler, firstDeltaAt, interrupted: false}
}
