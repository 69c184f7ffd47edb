import type {GroqClient} from '../http/client.js'
import {badResponse, readSome} from '../http/transport.js'
import {type Completion, historyMessage} from './assemble.js'
import {type Body, readChatStream} from './stream.js'
import type {ChatMessage, ChatRequest, SendTurn, TurnOptions, TurnResult, Usage} from './types.js'

export interface SendTurnOptions {
  /** A stream with no byte for this long fails with a network error (default: none). */
  idleTimeoutMs?: number
}

/**
 * One chat turn through groq-sdk: the SDK builds and sends the request (auth, retries, timeout, HTTP
 * errors all stay its own), and for a stream we take the raw Response and parse its body with our
 * own SSE reader, which costs a third of the SDK's iterator.
 *
 * Errors before the answer starts (HTTP status, network) are the SDK's own errors, thrown as is.
 * Ctrl-C (the signal) gives `interrupted: true` and whatever arrived so far, for the REPL to keep.
 */
export function createSendTurn(client: GroqClient, sendOptions: SendTurnOptions = {}): SendTurn {
  return async function sendTurn(request: ChatRequest, options: TurnOptions): Promise<TurnResult> {
    const startedAt = performance.now()
    const {signal} = options
    const body = {...request, stream: options.stream}
    // groq-sdk types its params narrowly; our bodies are the API's JSON, checked by buildRequest.
    const completions = client.chat.completions as unknown as {
      create(
        body: unknown,
        options: {signal: AbortSignal},
      ): Promise<unknown> & {
        asResponse(): Promise<Response>
        withResponse(): Promise<{data: unknown; response: AnswerInfo}>
      }
    }
    const create = (payload: unknown, requestOptions: {signal: AbortSignal}) =>
      completions.create(payload, requestOptions)

    if (!options.stream) {
      let completion: Completion
      let answer: AnswerInfo
      try {
        const {data, response} = await create(body, {signal}).withResponse()
        completion = data as Completion
        answer = response
      } catch (error) {
        if (signal.aborted) return interruptedTurn(startedAt)
        throw error
      }
      const message = completion.choices?.[0]?.message
      // A JSON object without an answer in it (an error body sent with 200, a proxy's own JSON): said, not saved.
      if (!message || typeof message !== 'object') {
        throw badResponse(
          {...answer, method: 'POST'},
          'the answer has no choices[0].message',
          JSON.stringify(completion),
        )
      }
      const firstDeltaAt = performance.now()
      if (typeof message.reasoning === 'string' && message.reasoning && options.onReasoning)
        options.onReasoning(message.reasoning)
      if (typeof message.content === 'string' && message.content) options.onDelta(message.content)
      return {
        completion,
        interrupted: false,
        message: historyMessage(message),
        timing: {firstDeltaMs: firstDeltaAt - startedAt, totalMs: performance.now() - startedAt},
        usage: completion.usage as Usage | undefined,
      }
    }

    let response: AnswerInfo & {body: Body | ReadableStream<Uint8Array> | null}
    try {
      response = (await create(body, {signal}).asResponse()) as unknown as typeof response
    } catch (error) {
      if (signal.aborted) return interruptedTurn(startedAt)
      throw error
    }
    if (!response.body) throw new Error('The API answered a stream request without a body')
    const type = response.headers.get('content-type') ?? ''
    if (!/^text\/event-stream\b/i.test(type)) {
      // Not a stream (an HTML page, a JSON error with 200): one line saying what came instead, exit 1.
      const start = await readSome(await nodeBody(response.body))
      throw badResponse({...response, method: 'POST'}, 'the body is not an event stream', start)
    }
    const result = await readChatStream(await nodeBody(response.body), {
      idleTimeoutMs: sendOptions.idleTimeoutMs,
      keepText: options.keepText,
      onChunk: options.onChunk,
      onDelta: options.onDelta,
      onReasoning: options.onReasoning,
      signal,
    })
    const completion = result.assembler.completion()
    const message = completion.choices[0]?.message ?? {content: null, role: 'assistant'}
    return {
      completion,
      interrupted: result.interrupted,
      message: historyMessage(message),
      timing: {
        firstDeltaMs: result.firstDeltaAt === undefined ? undefined : result.firstDeltaAt - startedAt,
        totalMs: performance.now() - startedAt,
      },
      usage: completion.usage,
    }
  }
}

/** What an error line needs of the answer. */
interface AnswerInfo {
  headers: {get(name: string): null | string}
  status: number
  statusText?: string
  url: string
}

function interruptedTurn(startedAt: number): TurnResult {
  const message: ChatMessage = {content: '', role: 'assistant'}
  return {completion: {}, interrupted: true, message, timing: {totalMs: performance.now() - startedAt}}
}

/**
 * Our transport answers with the node:http IncomingMessage (src/lib/http/transport.ts), which the stream reader
 * takes as is. A client on another fetch (global fetch, in some tests) gives a WHATWG stream: adapted, so there is
 * one reading path.
 */
async function nodeBody(body: Body | ReadableStream<Uint8Array>): Promise<Body> {
  if (!('getReader' in body)) return body
  const {Readable} = await import('node:stream')
  return Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>)
}
