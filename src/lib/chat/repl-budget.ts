import type {ChatMessage} from './types.js'

/**
 * The REPL's token budget: how many tokens the history holds (the API's own count after each turn, an estimate
 * for what came since), the model's context window (looked up once per model, never throwing), and the notes that
 * say when a conversation nears or outgrows it.
 */

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

export class TokenBudget {
  /** The current model's context window, once windowFor has learnt it. */
  knownWindow?: number
  /** The API's own token count for the first `length` messages, after the last finished turn. */
  private known?: {count: number; length: number}
  private readonly windows = new Map<string, Promise<number | undefined>>()

  constructor(
    /** The model's context window in tokens, or undefined when unknown. */
    private readonly contextWindow: (model: string) => Promise<number | undefined>,
    /** The model in use now (knownWindow follows it). */
    private readonly currentModel: () => string,
  ) {}

  /** The context window of `model`, looked up once; undefined when unknown or when the lookup failed. */
  windowFor(model: string): Promise<number | undefined> {
    let window = this.windows.get(model)
    if (!window) {
      window = Promise.resolve()
        .then(() => this.contextWindow(model))
        .then(
          (value) => (typeof value === 'number' && value > 0 ? value : undefined),
          () => undefined,
        )
      this.windows.set(model, window)
    }
    return window.then((value) => {
      if (model === this.currentModel()) this.knownWindow = value
      return value
    })
  }

  /** Tokens in the history: the API's count after the last turn, plus an estimate for what came since. */
  tokens(messages: readonly ChatMessage[]): {count: number; exact: boolean} {
    const {known} = this
    if (known && known.length <= messages.length) {
      const rest = messages.slice(known.length)
      return {count: known.count + estimateTokens(rest), exact: rest.length === 0}
    }
    return {count: estimateTokens(messages), exact: false}
  }

  /** The API counted `count` tokens for the first `length` messages. */
  counted(count: number, length: number): void {
    if (Number.isFinite(count)) this.known = {count, length}
  }

  /** Forget the API's count: the history changed before its end (or, with `length`, was cut below it). */
  forget(length?: number): void {
    if (length === undefined || (this.known && this.known.length > length)) this.known = undefined
  }

  /** Before sending: a note when the history (plus the room asked for the answer) looks too big. */
  async fitsNote(model: string, messages: readonly ChatMessage[], reserve: number | undefined) {
    const window = await this.windowFor(model)
    if (!window) return undefined
    const {count} = this.tokens(messages)
    if (count + (reserve ?? 0) < window) return undefined
    return (
      `This may not fit: the conversation is ~${formatCount(count)} tokens` +
      `${reserve ? ` (plus ${formatCount(reserve)} asked for the answer)` : ''} and ${model}'s context window is ` +
      `${formatCount(window)}. Sending anyway; /clear starts afresh, /undo drops the last exchange.`
    )
  }

  /** After a turn (or a switch of model or history): a note once the history nears the window. */
  async nearLimitNote(model: string, messages: readonly ChatMessage[]): Promise<string | undefined> {
    const window = await this.windowFor(model)
    if (!window) return undefined
    const {count, exact} = this.tokens(messages)
    if (count < window * NEAR_LIMIT) return undefined
    const share = Math.round((count / window) * 100)
    return (
      `The conversation is ${exact ? '' : '~'}${formatCount(count)} tokens, ${share}% of ${model}'s ` +
      `${formatCount(window)}-token context window: /clear starts afresh, /undo drops the last exchange.`
    )
  }

  /** The error when the API said the history is too long for the model. */
  tooLongMessage(model: string, messages: readonly ChatMessage[]): string {
    const {count} = this.tokens(messages)
    return (
      `The conversation (~${formatCount(count)} tokens) is too long for ${model}'s context window` +
      `${this.knownWindow ? ` (${formatCount(this.knownWindow)} tokens)` : ''}: /clear starts afresh, ` +
      '/undo drops the last exchange, /model switches to a model with a larger window.'
    )
  }
}
