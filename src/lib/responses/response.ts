import {StringDecoder} from 'node:string_decoder'

import {SSEParser} from '../chat/sse.js'
import {CliError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
import type {GroqClient} from '../http/client.js'
import {RESPONSES_PATH, type ResponseRequest} from './request.js'

/**
 * Sending a Responses request through the one groq-sdk client, non-streamed or streamed, and reading what came
 * back: the text of the output messages, the function calls, a failed or incomplete status.
 */

export interface ResponseObject {
  error?: {code?: string; message?: string} | null
  id?: string
  incomplete_details?: {reason?: string} | null
  output?: Array<Record<string, unknown>>
  status?: string
  [field: string]: unknown
}

export interface FunctionCall {
  arguments: string
  call_id: string
  name: string
}

/** The text of every output_text part of every message, in order. */
export function outputText(response: ResponseObject): string {
  let text = ''
  for (const item of response.output ?? []) {
    if (item.type !== 'message' || !Array.isArray(item.content)) continue
    for (const part of item.content as Array<{text?: unknown; type?: unknown}>) {
      if (part.type === 'output_text' && typeof part.text === 'string') text += part.text
    }
  }
  return text
}

export function functionCalls(response: ResponseObject): FunctionCall[] {
  return (response.output ?? [])
    .filter((item) => item.type === 'function_call')
    .map((item) => ({
      arguments: String(item.arguments ?? ''),
      call_id: String(item.call_id ?? ''),
      name: String(item.name ?? ''),
    }))
}

/** What plain output prints: the answer's text, else one `call_id<TAB>name<TAB>arguments` line per call. */
export function plainText(response: ResponseObject): string {
  const text = outputText(response)
  const calls = functionCalls(response).map((call) => `${call.call_id}\t${call.name}\t${call.arguments}`)
  return [text, ...calls].filter((part) => part !== '').join('\n')
}

/** A failed response is an error (exit 1) with the API's message; an incomplete one gives a warning to show. */
export function checkStatus(response: ResponseObject): string | undefined {
  if (response.status === 'failed') {
    const {code, message} = response.error ?? {}
    throw new CliError(`The response failed: ${message ?? 'no message'}${code ? ` (${code})` : ''}`)
  }
  if (response.status === 'incomplete') {
    return `Warning: the response is incomplete (${response.incomplete_details?.reason ?? 'no reason given'})`
  }
  return undefined
}

export async function createResponse(
  client: GroqClient,
  body: ResponseRequest,
  signal?: AbortSignal,
): Promise<ResponseObject> {
  const answer = await client.post<ResponseObject>(RESPONSES_PATH, {body, signal})
  if (!answer || typeof answer !== 'object' || !Array.isArray(answer.output)) {
    throw new Error('The API answered without a response object ("output" is missing)')
  }
  return answer
}

export interface StreamHandlers {
  /** Each event's JSON text as it arrives (`-o ndjson`). */
  onEvent?(data: string): void
  /** Answer text as it arrives (`response.output_text.delta`). May return a promise: reading waits for it. */
  onDelta?(text: string): Promise<void> | void
}

type Body = AsyncIterable<Buffer | Uint8Array | string>

/**
 * Streams a response: `stream: true`, the raw body taken from the client (same key, retries before the first
 * byte, errors and exit codes as any request) and read with the chat's SSE parser. Resolves with the final
 * response object (from `response.completed`, `.incomplete` or `.failed`).
 *
 * An `error` event is exit 1 with its message; a body that ends before a final event is a cut connection, exit 6.
 */
export async function streamResponse(
  client: GroqClient,
  body: ResponseRequest,
  handlers: StreamHandlers,
  signal?: AbortSignal,
): Promise<ResponseObject> {
  const response = await client.post(RESPONSES_PATH, {body: {...body, stream: true}, signal}).asResponse()
  if (!response.body) throw new Error('The API answered a stream request without a body')
  return readResponseStream(response.body as unknown as Body, handlers)
}

export async function readResponseStream(body: Body, handlers: StreamHandlers): Promise<ResponseObject> {
  let final: ResponseObject | undefined
  let failure: Error | undefined
  let pendingText = ''
  const parser = new SSEParser((data, event) => {
    if (failure || data.startsWith('[DONE]')) return
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(data) as Record<string, unknown>
    } catch {
      failure = new CliError(`The stream sent an event that is not JSON: ${data.slice(0, 100)}`)
      return
    }
    handlers.onEvent?.(data)
    const type = typeof parsed.type === 'string' ? parsed.type : event
    if (type === 'response.output_text.delta' && typeof parsed.delta === 'string') pendingText += parsed.delta
    else if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      final = parsed.response as ResponseObject
    } else if (type === 'error') {
      const {code, message} = (parsed.error ?? parsed) as {code?: unknown; message?: unknown}
      failure = new CliError(
        `Stream error: ${typeof message === 'string' ? message : data}${typeof code === 'string' ? ` (${code})` : ''}`,
      )
    }
  })

  const decoder = new StringDecoder('utf8')
  const deliver = async () => {
    if (pendingText === '') return
    const text = pendingText
    pendingText = ''
    await handlers.onDelta?.(text)
  }
  try {
    for await (const chunk of body) {
      parser.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer))
      await deliver()
      if (failure) throw failure
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    if ((error as Error).name === 'AbortError') throw error
    throw new CliError(
      `The connection was cut while streaming the response (${(error as Error).message})`,
      ExitCode.network,
    )
  }
  parser.feed(decoder.end())
  parser.end()
  await deliver()
  if (failure) throw failure
  if (!final || typeof final !== 'object') {
    throw new CliError('The stream ended before the response was complete', ExitCode.network)
  }
  return final
}
