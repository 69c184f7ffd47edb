/**
 * Shared shapes for chat: the one-shot command, the REPL and the conversation store all speak these.
 * Bodies are Groq's own JSON (snake_case), so what we send and save is what the API documents.
 */

export type Role = 'assistant' | 'developer' | 'system' | 'tool' | 'user'

export interface ChatMessage {
  content: null | string | unknown[]
  role: Role
  [field: string]: unknown
}

/** The JSON body of POST /openai/v1/chat/completions (stream decided by the sender). */
export interface ChatRequest {
  messages: ChatMessage[]
  model: string
  [param: string]: unknown
}

export interface Usage {
  completion_tokens: number
  prompt_tokens: number
  total_tokens: number
  [field: string]: unknown
}

export interface TurnOptions {
  /**
   * false: the answer text is only written out as it arrives (onDelta), never read from the result: a streamed
   * answer is then not kept, and the result's message and completion have `content: null`. Default true.
   */
  keepText?: boolean
  /** Called with each raw chunk (the JSON text of one SSE `data:` line) as it arrives; streaming only. */
  onChunk?(data: string): void
  /** Called with each piece of answer text the moment it arrives. */
  onDelta(text: string): void
  /** Called with reasoning text (reasoning_format=parsed), if any. */
  onReasoning?(text: string): void
  signal: AbortSignal
  stream: boolean
}

export interface TurnResult {
  /** The completion object, assembled from the chunks when streamed: the same shape as a non-streamed one. */
  completion: Record<string, unknown>
  /** True when the turn was stopped (Ctrl-C in the REPL) before the answer finished. */
  interrupted: boolean
  /** The assistant message to append to the history. */
  message: ChatMessage
  /** Measured locally: ms from sending the request to the first answer text, and to the end. */
  timing?: TurnTiming
  usage?: Usage
}

export interface TurnTiming {
  /** Time to first token: request sent to first answer (or reasoning) text; absent when none came. */
  firstDeltaMs?: number
  totalMs: number
}

/** Sends one chat request and returns the answer; streaming deltas go to options.onDelta. */
export type SendTurn = (request: ChatRequest, options: TurnOptions) => Promise<TurnResult>

/** One saved conversation: one JSON file under $XDG_DATA_HOME/groq/conversations/. */
export interface Conversation {
  created_at: string
  id: string
  messages: ChatMessage[]
  model: string
  name?: string
  /** Chat parameters other than model and messages (temperature, …), as sent. */
  params: Record<string, unknown>
  updated_at: string
  /** Token usage summed over the turns. */
  usage: Usage
  version: 1
}
