import {createRequire} from 'node:module'
import {StringDecoder} from 'node:string_decoder'

import {CliError, networkCause, TimeoutError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
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
  /** false: the caller writes the answer out as it comes and will not read it again; it is not kept (ChunkAssembler). */
  keepText?: boolean
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

const isAbort = (error: unknown) =>
  error instanceof Error && (error.name === 'AbortError' || error.constructor.name === 'APIUserAbortError')

/** A response body: the Node stream our node:http transport (src/lib/http/transport.ts) answers with. */
export type Body = NodeJS.ReadableStream

/**
 * Reads a chat completion SSE body: parses every chunk, folds it into the completion, and hands
 * answer and reasoning text to the callbacks as it arrives. Ends at `data: [DONE]`.
 *
 * - an error event mid-stream: StreamError, exit 1, with Groq's message;
 * - the connection cut, or the body ending without `[DONE]`, or no byte for idleTimeoutMs: exit 6;
 * - the signal aborted (Ctrl-C): returns with `interrupted: true` and the partial answer.
 */
export async function readChatStream(body: Body, options: StreamOptions = {}): Promise<StreamResult> {
  holdYoungGeneration()
  const {onChunk, onDelta, onReasoning, signal} = options
  const assembler = new ChunkAssembler({keepText: options.keepText})
  let done = false
  let content = ''
  let reasoning = ''
  let firstDeltaAt: number | undefined
  let pending: Promise<unknown> | undefined

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
      throw failure(`The stream sent a chunk that is not JSON: ${data.slice(0, 200)}`)
    }
    if (event === 'error' || chunk.error) throw failure(`Stream error: ${errorLine(chunk.error ?? chunk)}`)
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
    if (xError) throw failure(`Stream error: ${errorLine(xError)}`)
  })

  /** An error in the stream: the text that came before it is written first. */
  function failure(message: string): StreamError {
    flush()
    return new StreamError(message, ExitCode.error, assembler)
  }

  function flush(): void {
    if (reasoning) {
      const text = reasoning
      reasoning = ''
      pending = (onReasoning?.(text) as Promise<unknown> | undefined) || pending
    }
    if (content) {
      const text = content
      content = ''
      pending = (onDelta?.(text) as Promise<unknown> | undefined) || pending
    }
  }

  /** Delivers the deltas parsed so far; returns a promise when the writer asks to wait. */
  function deliver(): Promise<unknown> | undefined {
    flush()
    const wait = pending
    pending = undefined
    return wait
  }

  const feed = (text: string) => parser.feed(text)
  const finish = () => parser.end()

  const cut = (error: unknown) =>
    new StreamError(
      `The connection was cut while streaming the answer${causeSuffix(error)}`,
      ExitCode.network,
      assembler,
    )
  const stalled = () =>
    new StreamError(
      `No data for ${formatMs(options.idleTimeoutMs ?? 0)} while streaming the answer (raise --timeout?)`,
      ExitCode.network,
      assembler,
    )

  try {
    await readNode(body, {
      cut,
      deliver,
      feed,
      finish,
      idleTimeoutMs: options.idleTimeoutMs,
      isDone: () => done,
      stalled,
    })
  } catch (error) {
    if (signal?.aborted || (isAbort(error) && !(error instanceof StreamError)))
      return {assembler, firstDeltaAt, interrupted: true}
    throw error
  }
  if (signal?.aborted) return {assembler, firstDeltaAt, interrupted: true}
  if (!done) {
    throw new StreamError(
      'The connection closed before the answer was complete (no [DONE] at the end of the stream)',
      ExitCode.network,
      assembler,
    )
  }
  return {assembler, firstDeltaAt, interrupted: false}
}

const require = createRequire(import.meta.url)
let youngGenerationHeld = false

/**
 * Keeps V8's young generation at the size start-up left it (4 MB) for the rest of the process. V8 doubles it, up to
 * 32 MB, each time the bytes that survived its collections add up to its size; a stream allocates a few hundred
 * bytes a chunk that die at once, but over a long answer the few that survive each collection add up, and the
 * doubled young generation is ~15 MB of resident memory the parse-and-drop work of a stream does not need
 * (bench/PERF.md: peak RSS at 300k tokens). Set when the first stream starts, not at start-up
 * (`--max-semi-space-size` can only be given before V8 starts, for every command): V8 reads the growth factor
 * each time it would grow, so this holds from here on. It leaves the flag hash V8 checks code caches against as it
 * was (test/unit/chat-stream.test.ts checks that, and that V8 prints nothing).
 */
export function holdYoungGeneration(): void {
  if (youngGenerationHeld) return
  youngGenerationHeld = true
  ;(require('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1')
}

const formatMs = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`)

const causeSuffix = (error: unknown) => {
  const cause = networkCause(error, true)
  return cause ? ` (${cause})` : ''
}

interface Driver {
  cut(error: unknown): Error
  /** Hands the parsed deltas to the callbacks; a promise when the writer asks to wait. */
  deliver(): Promise<unknown> | undefined
  /** Parses text (throws StreamError on an error event). */
  feed(text: string): void
  /** The body ended: parse what is left. */
  finish(): void
  idleTimeoutMs?: number
  isDone(): boolean
  stalled(): Error
}

/** A Node stream (our node:http transport): 'data' events, no promise per read. */
function readNode(body: NodeJS.ReadableStream, driver: Driver): Promise<void> {
  const stream = body as NodeJS.ReadableStream & {destroy?(error?: Error): void; destroyed?: boolean}
  return new Promise<void>((resolve, reject) => {
    let settled = false
    const settle = (error?: unknown) => {
      if (settled) return
      settled = true
      if (timer) clearInterval(timer)
      stream.removeListener('data', onData)
      stream.removeListener('end', onEnd)
      stream.removeListener('error', onError)
      stream.removeListener('close', onClose)
      if (error === undefined) {
        resolve()
        // After [DONE]: drain what is left (the stream's end) so a keep-alive socket can be reused.
        if (!ending) stream.resume()
      } else {
        reject(error)
        if (!stream.destroyed) stream.destroy?.()
      }
    }
    let ending = false
    // Idle check without a timer call per event: data sets a flag, the timer checks and re-arms.
    let active = false
    const timer = driver.idleTimeoutMs
      ? setInterval(() => {
          if (!active && !stream.isPaused()) settle(driver.stalled())
          active = false
        }, driver.idleTimeoutMs)
      : undefined
    // Every 'data' event of one socket read fires inside the same callback (an HTTP chunk each,
    // so one per SSE event); their deltas are written together in a microtask right after it.
    let scheduled = false
    /** Writes what is pending; a write that throws settles the read with its error and gives false. */
    const deliverPending = (): false | Promise<unknown> | undefined => {
      try {
        return driver.deliver()
      } catch (error) {
        settle(error)
        return false
      }
    }
    const deliver = () => {
      scheduled = false
      if (settled) return
      const wait = deliverPending()
      if (wait) {
        stream.pause()
        wait.then(() => stream.resume(), settle)
      }
    }
    // Bytes to text: a piece that ends in "\n" ends on a character boundary and is decoded alone
    // (cheaper than a StringDecoder call per piece); otherwise the decoder keeps the split character.
    let decoder: StringDecoder | undefined
    let decoding = false
    const onData = (bytes: Buffer) => {
      if (stopping) return
      active = true
      const last = bytes[bytes.length - 1]
      let text: string
      if (!decoding && last === 10) {
        text = bytes.toString('utf8')
      } else {
        decoder ??= new StringDecoder('utf8')
        text = decoder.write(bytes)
        decoding = last !== 10
      }
      try {
        driver.feed(text)
      } catch (error) {
        settle(error)
        return
      }
      if (driver.isDone()) {
        done()
      } else if (!scheduled) {
        scheduled = true
        queueMicrotask(deliver)
      }
    }
    // Once [DONE] or the end is reached, only the last write is awaited; later events change nothing.
    let stopping = false
    const done = () => {
      if (stopping) return
      stopping = true
      const wait = deliverPending()
      if (wait === false) return
      if (wait) wait.then(() => settle(), settle)
      else settle()
    }
    const onEnd = () => {
      ending = true
      if (stopping) return
      try {
        if (decoder) driver.feed(decoder.end())
        driver.finish()
      } catch (error) {
        settle(error)
        return
      }
      done()
    }
    const onError = (error: Error) => {
      // The transport's own watchdog (no byte for --timeout) says the same as ours.
      if (!stopping)
        settle(isAbort(error) ? error : error instanceof TimeoutError ? driver.stalled() : driver.cut(error))
    }
    // A socket closed before 'end' without an error event: the connection was cut.
    const onClose = () => {
      if (!ending && !stopping) settle(driver.cut(new Error('closed')))
    }
    stream.on('data', onData)
    stream.on('end', onEnd)
    stream.on('error', onError)
    stream.on('close', onClose)
  })
}
