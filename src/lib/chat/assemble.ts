import type {ChatMessage, Usage} from './types.js'

/** A streamed chunk as Groq sends it (CreateChatCompletionStreamResponse); only what we read is typed. */
export interface ChatChunk {
  choices?: ChunkChoice[]
  created?: number
  error?: unknown
  id?: string
  model?: string
  object?: string
  service_tier?: null | string
  system_fingerprint?: string
  usage?: null | Usage
  usage_breakdown?: unknown
  x_groq?: null | XGroqChunk
  [field: string]: unknown
}

export interface ChunkChoice {
  delta?: ChunkDelta
  finish_reason?: null | string
  index?: number
  logprobs?: null | {content?: unknown[] | null; [field: string]: unknown}
}

export interface ChunkDelta {
  annotations?: unknown[]
  content?: null | string
  executed_tools?: Array<{index?: number; [field: string]: unknown}>
  function_call?: {arguments?: string; name?: string}
  reasoning?: null | string
  role?: string
  tool_calls?: ToolCallChunk[]
  [field: string]: unknown
}

export interface ToolCallChunk {
  function?: {arguments?: string; name?: string}
  id?: string
  index?: number
  type?: string
}

export interface ToolCall {
  function: {arguments: string; name: string}
  id: string
  type: string
}

export interface XGroqChunk {
  debug?: unknown
  error?: null | string
  id?: null | string
  seed?: null | number
  usage?: null | Usage
  usage_breakdown?: unknown
  [field: string]: unknown
}

/** The completion object (CreateChatCompletionResponse), as printed by --json. */
export interface Completion {
  choices: CompletionChoice[]
  created: number
  id: string
  model: string
  object: 'chat.completion'
  usage?: Usage
  x_groq?: Record<string, unknown>
  [field: string]: unknown
}

export interface CompletionChoice {
  finish_reason: null | string
  index: number
  logprobs: unknown
  message: ChatMessage
}

interface ChoiceState {
  annotations?: unknown[]
  /** The answer text; undefined when it is not kept (`keepText: false`). */
  content: TextBuilder | undefined
  executedTools?: Map<number, Record<string, unknown>>
  extra?: Record<string, unknown>
  finishReason: null | string
  functionCall?: {arguments: string; name: string}
  hasContent: boolean
  index: number
  logprobs?: unknown[]
  reasoning?: TextBuilder
  role: string
  toolCalls?: Map<number, ToolCall>
}

/** Top-level chunk fields the assembler places itself; any other field is carried over as sent. */
const KNOWN_TOP = new Set([
  'choices',
  'created',
  'id',
  'model',
  'object',
  'service_tier',
  'system_fingerprint',
  'usage',
  'usage_breakdown',
  'x_groq',
])
const KNOWN_DELTA = new Set([
  'annotations',
  'content',
  'executed_tools',
  'function_call',
  'reasoning',
  'role',
  'tool_calls',
])

const CHUNK_BYTES = 64 * 1024
const SURROGATE = /[\uD800-\uDFFF]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const HIGH_SURROGATE_AT_END = /[\uD800-\uDBFF]$/

/**
 * Text that grows a piece at a time (a streamed answer), kept once and off the JavaScript heap: each piece is
 * written as UTF-8 into 64 KiB Buffers as it arrives, and the string is made only when it is read. Kept as strings
 * (even joined every 16 K characters), the pieces outlived a young-generation collection or two before they were
 * joined, and V8 grows its young generation by what survives: streaming memory grew with the answer
 * (bench/PERF.md). Here nothing of the answer is on the heap until it is read, at one byte a character for most
 * text (a JavaScript string takes two for all of it once one character is beyond Latin-1).
 *
 * A surrogate pair split between two pieces (half an emoji per chunk, sent as escaped surrogates) is joined before
 * it is encoded; a lone surrogate, which UTF-8 cannot hold, makes the builder keep a string from then on, so what
 * is read back is always exactly what was appended.
 */
export class TextBuilder {
  /** Full chunks, then the one being written. Each holds whole characters only, so each decodes alone. */
  private chunks: Buffer[] = []
  private current: Buffer | undefined
  private used = 0
  /** A high surrogate that ended the last piece, held until the next piece says whether its pair follows. */
  private high = ''
  /** Everything so far as a string, once a piece had a lone surrogate (then bytes are no longer used). */
  private text: string | undefined

  append(piece: string): void {
    if (piece.length === 0) return
    if (this.text !== undefined) {
      this.text += piece
      return
    }
    let text = this.high ? this.high + piece : piece
    this.high = ''
    if (SURROGATE.test(text)) {
      if (HIGH_SURROGATE_AT_END.test(text)) {
        this.high = text.slice(-1)
        text = text.slice(0, -1)
      }
      if (LONE_SURROGATE.test(text)) {
        this.text = this.toString() + text + this.high
        this.chunks = []
        this.current = undefined
        this.high = ''
        return
      }
    }
    // At most three bytes a UTF-16 unit; a piece that may not fit starts the next chunk (never split, so no chunk
    // ends inside a character).
    const most = text.length * 3
    if (!this.current || this.used + most > this.current.length) this.next(most)
    this.used += this.current!.write(text, this.used)
  }

  toString(): string {
    if (this.text !== undefined) return this.text
    const last = this.current ? this.current.subarray(0, this.used) : undefined
    const bytes = this.chunks.length === 0 ? last : Buffer.concat(last ? [...this.chunks, last] : this.chunks)
    const text = bytes ? bytes.toString('utf8') : ''
    return this.high ? text + this.high : text
  }

  private next(most: number): void {
    if (this.current) this.chunks.push(this.current.subarray(0, this.used))
    // Not from Buffer's shared pool: the answer's memory is its own, freed with it.
    this.current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, most))
    this.used = 0
  }
}

/**
 * Folds streamed chunks into exactly the object a non-streamed request returns: one message per
 * choice with the content, reasoning and tool calls joined, the last finish_reason, and the usage
 * that Groq sends in the final chunk (`x_groq.usage`, and/or top-level `usage`) moved to the top,
 * where a non-streamed completion has it. Key order follows Groq's non-streamed responses.
 *
 * `keepText: false` is for a caller that writes choice 0's answer and reasoning out as they arrive and never reads
 * them again (a one-shot answer that is not saved): that text is then not kept at all, so memory stays flat however
 * long the answer, and the completion's message has `content: null` and no `reasoning`.
 */
export class ChunkAssembler {
  private id = ''
  private created = 0
  private model = ''
  private systemFingerprint: string | undefined
  private serviceTier: null | string | undefined
  private usage: Usage | undefined
  private usageBreakdown: unknown
  private xGroq: Record<string, unknown> | undefined
  private extra: Record<string, unknown> | undefined
  private readonly choices: ChoiceState[] = []
  /** How many chunks were added. */
  count = 0

  constructor(private readonly options: {keepText?: boolean} = {}) {}

  add(chunk: ChatChunk): void {
    this.count++
    if (this.count === 1 || !this.id) {
      if (typeof chunk.id === 'string') this.id = chunk.id
      if (typeof chunk.created === 'number') this.created = chunk.created
      if (typeof chunk.model === 'string') this.model = chunk.model
    }
    if (chunk.system_fingerprint !== undefined) this.systemFingerprint = chunk.system_fingerprint
    if (chunk.service_tier !== undefined) this.serviceTier = chunk.service_tier
    if (chunk.usage) this.usage = chunk.usage
    if (chunk.usage_breakdown) this.usageBreakdown = chunk.usage_breakdown
    const xGroq = chunk.x_groq
    if (xGroq) this.addXGroq(xGroq)
    const {choices} = chunk
    if (choices) {
      for (let i = 0; i < choices.length; i++) this.addChoice(choices[i])
    }
    for (const key in chunk) {
      if (!KNOWN_TOP.has(key)) (this.extra ??= {})[key] = chunk[key]
    }
  }

  private addXGroq(xGroq: XGroqChunk): void {
    const target = (this.xGroq ??= {})
    for (const key of Object.keys(xGroq)) {
      const value = xGroq[key]
      if (key === 'usage') {
        // Top-level usage wins when both are sent: it is the OpenAI-style field.
        if (value && !this.usage) this.usage = value as Usage
      } else if (key === 'usage_breakdown') {
        if (value && !this.usageBreakdown) this.usageBreakdown = value
      } else if (key === 'error') {
        // A stream error is reported by the reader, not kept in the completion.
      } else if (value !== null && value !== undefined) {
        target[key] = value
      }
    }
  }

  private choice(index: number): ChoiceState {
    let state = this.choices[index]
    if (!state) {
      const keepText = index !== 0 || this.options.keepText !== false
      state = {
        content: keepText ? new TextBuilder() : undefined,
        finishReason: null,
        hasContent: false,
        index,
        role: 'assistant',
      }
      this.choices[index] = state
    }
    return state
  }

  private addChoice(choice: ChunkChoice): void {
    const state = this.choice(choice.index ?? 0)
    const {delta} = choice
    if (delta) {
      const {content} = delta
      if (typeof content === 'string') {
        state.content?.append(content)
        state.hasContent = true
      }
      if (typeof delta.reasoning === 'string' && state.content) {
        ;(state.reasoning ??= new TextBuilder()).append(delta.reasoning)
      }
      if (typeof delta.role === 'string') state.role = delta.role
      if (delta.tool_calls) this.addToolCalls(state, delta.tool_calls)
      if (delta.function_call) {
        const call = (state.functionCall ??= {arguments: '', name: ''})
        if (delta.function_call.name) call.name += delta.function_call.name
        if (delta.function_call.arguments) call.arguments += delta.function_call.arguments
      }
      if (delta.executed_tools) {
        const tools = (state.executedTools ??= new Map())
        for (const tool of delta.executed_tools) {
          const index = tool.index ?? tools.size
          tools.set(index, {...tools.get(index), ...tool})
        }
      }
      if (delta.annotations) (state.annotations ??= []).push(...delta.annotations)
      for (const key in delta) {
        if (!KNOWN_DELTA.has(key) && delta[key] !== null && delta[key] !== undefined) {
          const extra = (state.extra ??= {})
          const value = delta[key]
          extra[key] = typeof value === 'string' && typeof extra[key] === 'string' ? extra[key] + value : value
        }
      }
    }
    if (choice.finish_reason) state.finishReason = choice.finish_reason
    const logprobs = choice.logprobs?.content
    if (Array.isArray(logprobs)) (state.logprobs ??= []).push(...logprobs)
  }

  private addToolCalls(state: ChoiceState, calls: ToolCallChunk[]): void {
    const map = (state.toolCalls ??= new Map())
    for (const call of calls) {
      const index = call.index ?? map.size
      let current = map.get(index)
      if (!current) {
        current = {id: '', type: 'function', function: {name: '', arguments: ''}}
        map.set(index, current)
      }
      if (call.id) current.id = call.id
      if (call.type) current.type = call.type
      if (call.function?.name) current.function.name += call.function.name
      if (call.function?.arguments) current.function.arguments += call.function.arguments
    }
  }

  /** The text of choice 0 so far (what was printed). */
  get content(): string {
    return this.choices[0]?.content?.toString() ?? ''
  }

  get toolCalls(): ToolCall[] {
    return [...(this.choices[0]?.toolCalls?.values() ?? [])]
  }

  /** The completion object; call when the stream is done (or cut, for a partial answer). */
  completion(): Completion {
    const completion: Completion = {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: this.choices.filter(Boolean).map((state) => ({
        index: state.index,
        message: message(state),
        logprobs: state.logprobs ? {content: state.logprobs} : null,
        finish_reason: state.finishReason,
      })),
    }
    if (this.usage) completion.usage = this.usage
    if (this.usageBreakdown) completion.usage_breakdown = this.usageBreakdown
    if (this.systemFingerprint !== undefined) completion.system_fingerprint = this.systemFingerprint
    if (this.xGroq) completion.x_groq = this.xGroq
    if (this.serviceTier !== undefined) completion.service_tier = this.serviceTier
    if (this.extra) Object.assign(completion, this.extra)
    return completion
  }
}

function message(state: ChoiceState): ChatMessage {
  const result: ChatMessage = {
    role: state.role as ChatMessage['role'],
    content: state.hasContent && state.content ? state.content.toString() : null,
  }
  if (state.reasoning !== undefined) result.reasoning = state.reasoning.toString()
  if (state.functionCall) result.function_call = state.functionCall
  if (state.toolCalls) result.tool_calls = [...state.toolCalls.values()]
  if (state.executedTools) result.executed_tools = [...state.executedTools.values()]
  if (state.annotations) result.annotations = state.annotations
  if (state.extra) Object.assign(result, state.extra)
  return result
}

/** The assistant message to keep in a conversation's history: what the API would accept back. */
export function historyMessage(message: ChatMessage): ChatMessage {
  const result: ChatMessage = {role: 'assistant', content: message.content ?? null}
  if (message.tool_calls) result.tool_calls = message.tool_calls
  return result
}
