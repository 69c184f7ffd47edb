import type {ChatMessage} from './types.js'

/** Share of the context window at which the REPL starts suggesting /clear. */
export const NEAR_LIMIT = 0.8

/**
 * A rough token count (about 4 characters a token, plus a few per message for the chat format).
 * Used only for new messages, or when no usage is known: the API's own count wins otherwise.
 */
export function estimateTokens(messages: readonly ChatMessage[]): number {
  let total = 0
  for (const message of messages) {
    const {content} = message
    const text = typeof content === 'string' ? content : content === null ? '' : JSON.stringify(content)
    total += Math.ceil(text.length / 4) + 4
  }
  return total
}

const CONTEXT_TEXT =
  /context[ _-]?(length|window)|maximum context|too many tokens|reduce the length|prompt is too long/i

/** A 400 from the API (or an error carrying its text) saying the prompt does not fit the model. */
export function isContextLengthError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const {error: body, message, status} = error as {error?: unknown; message?: unknown; status?: unknown}
  const text = `${typeof message === 'string' ? message : ''} ${body === undefined ? '' : JSON.stringify(body)}`
  const is400 = status === 400 || (status === undefined && /\b400\b/.test(text))
  return is400 && CONTEXT_TEXT.test(text)
}

/** 8192 -> "8,192". */
export const formatCount = (count: number): string => count.toLocaleString('en-US')
