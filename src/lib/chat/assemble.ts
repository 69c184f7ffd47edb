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
  content: TextBuilder
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

/**
 * Text that grows a piece at a time, kept compact: the pieces are joined into one flat string every 16 K characters.
 * `+=` would keep a rope of every piece (a node and a small string per token, about 50 bytes each), which the
 * garbage collector then lets the heap grow around: streaming memory grew with the answer. Joined, the answer is
 * held once, at one or two bytes a character.
 */
export class TextBuilder {
  /** Flat strings of about 16 K characters each, then the pieces since. */
  private parts: string[] = []
  private pieces: string[] = []
  private pending = 0

  append(text: string): void {
    this.pieces.push(text)
    this.pending += text.length
    if (this.pending >= 16_384) this.join()
  }

  toString(): string {
    if (this.pieces.length > 0) this.join()
    if (this.parts.length > 1) this.parts = [this.parts.join('')]
    return this.parts[0] ?? ''
  }

  private join(): void {
    this.parts.push(this.pieces.join(''))
    this.pieces = []
    this.pending = 0
  }
}

/**
 * Folds streamed chunks into exactly the object a non-streamed request returns: one message per
 * choice with the content, reasoning and tool calls joined, the last finish_reason, and the usage
 * that Groq sends in the final chunk (`x_groq.usage`, and/or top-level `usage`) moved to the top,
 * where a non-streamed completion has it. Key order follows Groq's non-streamed responses.
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
      state = {content: new TextBuilder(), finishReason: null, hasContent: false, index, role: 'assistant'}
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
        state.content.append(content)
        state.hasContent = true
      }
      if (typeof delta.reasoning === 'string') (state.reasoning ??= new TextBuilder()).append(delta.reasoning)
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
    return this.choices[0]?.content.toString() ?? ''
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
    content: state.hasContent ? state.content.toString() : null,
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
