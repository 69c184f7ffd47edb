/**
 * The interactive chat REPL (`groq chat` on a terminal, or `groq chat -i`).
 *
 * It keeps the whole history and sends it every turn through an injected SendTurn, so it knows
 * nothing about HTTP; conversations are saved through an injected store. Answers go to stdout, and
 * everything else (prompt, notices, errors) to stderr, so `groq chat -i > answers.txt` keeps only
 * the answers.
 *
 * Ctrl-C while an answer streams stops that answer and keeps the session. The partial answer is
 * KEPT in the history (you saw it, and "go on" should work); /retry asks again, /undo drops it. If
 * nothing had arrived yet, the question is dropped instead (/retry sends it again). Ctrl-C at an
 * empty prompt, Ctrl-D, /exit and the end of piped input all end the REPL with exit code 0.
 */
import {randomInt} from 'node:crypto'

import {addUsage} from './conversations.js'
import {describeError} from '../core/errors.js'
import {installInterruptHandler, uninstallInterruptHandler} from '../core/interrupt.js'
import {type IO, write} from '../core/io.js'
import {estimateTokens, formatCount, isContextLengthError, NEAR_LIMIT} from './repl-context.js'
import {formatStats} from './output.js'
import {type Input, LineReader, MultiLine} from './repl-input.js'
import {paramName, parseParam} from './repl-params.js'
import type {ChatMessage, ChatRequest, Conversation, SendTurn, TurnResult, Usage} from './types.js'

/**
 * Where /save, /load and the autosave after every turn keep conversations. The ConversationStore
 * of src/lib/chat/conversations.ts fits as it is.
 */
export interface ReplStore {
  /** A new conversation in memory (its id and created_at are used); without it, ids come from newId. */
  create?(init: {messages: ChatMessage[]; model: string; params: Record<string, unknown>}): Promise<Conversation>
  /** Finds a conversation by name or id; rejects (one-line message) when there is none. */
  load(nameOrId: string): Promise<Conversation>
  /** Creates or replaces the conversation with this id; may return the stored copy (its id and name win). */
  save(conversation: Conversation): Promise<Conversation | void>
}

export interface ReplOptions {
  /**
   * False: nothing is written to the store until /save (or /save NAME); from then on that
   * conversation is kept up to date. Default true: saved after every turn.
   */
  autosave?: boolean
  /** ANSI colour in the prompt and notices. */
  color: boolean
  /** The model's context window in tokens, or undefined when unknown; should be cached and never throw. */
  contextWindow(model: string): Promise<number | undefined>
  /** When the request continues a saved conversation: its identity, so autosave updates it in place. */
  conversation?: Pick<Conversation, 'id'> & Partial<Pick<Conversation, 'created_at' | 'name' | 'usage'>>
  io: IO
  /** Ids for new conversations when the store has no create() (default: the store's form, `mbx3k2a1-9fq2`). */
  newId?: () => string
  /** Sent as the first turn, before the first prompt (`groq chat -i "question"`). */
  prompt?: string
  /** No banner and no notices (context-window warnings and the like); errors still show. */
  quiet?: boolean
  /** Model, messages so far (a system message, say) and parameters; `stream` in it is ignored. */
  request: ChatRequest
  sendTurn: SendTurn
  /** After each answer, a stats line on stderr (model, tokens, time to first token, speed), as `groq chat --stats`. */
  stats?: boolean
  store?: ReplStore
  stream: boolean
}

/** Runs the REPL until /exit, Ctrl-D, Ctrl-C at an empty prompt or the end of input; returns the exit code. */
export function runRepl(options: ReplOptions): Promise<number> {
  return new ReplSession(options).run()
}

export const REPL_COMMANDS = [
  '/clear',
  '/exit',
  '/help',
  '/history',
  '/load',
  '/model',
  '/quit',
  '/retry',
  '/save',
  '/set',
  '/system',
  '/undo',
  '/unset',
] as const

const HELP = `Commands:
  /help                this list
  /system [TEXT | -]   show, set or remove (-) the system message
  /model [NAME]        show or switch the model
  /set [NAME [VALUE]]  show parameters, or set one: /set temperature 0.2
  /unset NAME          drop a parameter (the API default applies)
  /clear               forget the history (the system message stays)
  /retry               ask the last question again
  /undo                drop the last question and its answer
  /save [NAME]         save the conversation (as NAME)
  /load NAME           continue a saved conversation
  /history             show the conversation so far
  /exit                quit (or Ctrl-D, or Ctrl-C at an empty prompt)
Input: end a line with \\ to go on to the next; """ opens and closes a multi-line block;
//text sends "/text". Ctrl-C stops an answer and keeps what arrived (/undo drops it).`

/** Parameters that belong to the REPL, never taken from a request or a loaded conversation. */
const OWN_KEYS = new Set(['messages', 'model', 'stream', 'stream_options'])
/** What the API accepts on an assistant message (the spec says additionalProperties: false). */
const ASSISTANT_KEYS = ['role', 'content', 'name', 'tool_calls', 'function_call'] as const

const zeroUsage = (): Usage => ({completion_tokens: 0, prompt_tokens: 0, total_tokens: 0})

/** The conversation store's id form: 8 base-36 digits of the time in ms, a dash, 4 random base-36 digits. */
function defaultId(): string {
  const time = Date.now().toString(36).padStart(8, '0').slice(-8)
  return `${time}-${randomInt(36 ** 4)
    .toString(36)
    .padStart(4, '0')}`
}

function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content.map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : '')).join('')
  }
  return ''
}

/** An assistant message as the API accepts it back (drops `reasoning` and response-only fields). */
function requestMessage(message: ChatMessage): ChatMessage {
  if (message.role !== 'assistant') return message
  const clean: ChatMessage = {content: message.content ?? null, role: 'assistant'}
  for (const key of ASSISTANT_KEYS) {
    if (key !== 'role' && key !== 'content' && message[key] !== undefined && message[key] !== null)
      clean[key] = message[key]
  }
  return clean
}

function ownParams(source: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).filter(([key]) => !OWN_KEYS.has(key)))
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

const shorten = (text: string, length = 60) => {
  const line = text.replaceAll(/\s+/g, ' ').trim()
  return line.length > length ? `${line.slice(0, length - 1)}…` : line
}

class ReplSession {
  /** Whether changes are saved as they happen (see ReplOptions.autosave). */
  private autosave: boolean
  private createdAt?: string
  private readonly io: IO
  private id?: string
  /** The current model's context window, once windowFor has learnt it. */
  private knownWindow?: number
  /** The API's own token count for the first `length` messages, after the last finished turn. */
  private knownTokens?: {count: number; length: number}
  /** A question whose turn failed (or was stopped before any answer): /retry sends it. */
  private lastFailed?: string
  private messages: ChatMessage[]
  private model: string
  private readonly multi = new MultiLine()
  private name?: string
  private params: Record<string, unknown>
  private reader!: LineReader
  private turn?: AbortController
  private usage: Usage
  private readonly windows = new Map<string, Promise<number | undefined>>()

  constructor(private readonly options: ReplOptions) {
    this.io = options.io
    const {messages, model, ...rest} = options.request
    this.model = model
    this.messages = [...(messages ?? [])]
    this.params = ownParams(rest)
    this.id = options.conversation?.id
    this.name = options.conversation?.name
    this.createdAt = options.conversation?.created_at
    this.usage = {...zeroUsage(), ...options.conversation?.usage}
    this.autosave = options.autosave ?? true
  }

  async run(): Promise<number> {
    // The process-wide Ctrl-C handler exits with 130; here Ctrl-C stops an answer instead.
    const listeners = process.listenerCount('SIGINT')
    uninstallInterruptHandler()
    const hadHandler = process.listenerCount('SIGINT') < listeners
    const onSigint = () => this.interrupt()
    process.on('SIGINT', onSigint)
    this.reader = new LineReader(this.io, {completer: complete, onSigint})
    void this.windowFor(this.model)
    try {
      if (this.reader.terminal) this.note(`Chatting with ${this.model}. /help lists commands; Ctrl-D quits.`)
      if (this.options.prompt?.trim()) await this.ask(this.options.prompt)
      return await this.loop()
    } catch (error) {
      this.error(describeError(error).message)
      return 1
    } finally {
      this.reader.close()
      process.off('SIGINT', onSigint)
      if (hadHandler) installInterruptHandler()
      await write(this.io.stdout, '').catch(() => {})
    }
  }

  private async loop(): Promise<number> {
    for (;;) {
      const input: Input = await this.reader.read(this.multi.pending ? '... ' : this.prompt())
      if (input.kind === 'eof') {
        if (this.multi.pending) this.note('Unfinished multi-line input dropped.')
        // Ctrl-D leaves the cursor after the prompt: end that line before the shell's prompt.
        if (this.reader.terminal) this.io.stderr.write('\n')
        return 0
      }
      if (input.kind === 'interrupt') {
        if (!input.hadText && !this.multi.pending) return 0
        this.multi.reset()
        continue
      }
      const entry = this.multi.push(input.text)
      if (!entry) continue
      if (entry.command && entry.text.startsWith('/') && !entry.text.startsWith('//')) {
        if (await this.command(entry.text)) return 0
        continue
      }
      const text = entry.command && entry.text.startsWith('//') ? entry.text.slice(1) : entry.text
      if (text.trim() === '') continue
      await this.ask(text)
    }
  }

  private async ask(text: string): Promise<void> {
    this.lastFailed = undefined
    this.messages.push({content: text, role: 'user'})
    await this.runTurn()
  }

  private prompt(): string {
    return `${this.paint('36', this.model)}> `
  }

  /** Ctrl-C, from readline (raw mode) or the process (cooked mode, piped input, kill -INT). */
  private interrupt(): void {
    if (this.turn) this.turn.abort()
    else this.reader.interrupt()
  }

  // ---- one turn ----------------------------------------------------------------------------------

  private async runTurn(): Promise<void> {
    // From here Ctrl-C stops this turn (also while the context window is still being looked up).
    const controller = new AbortController()
    this.turn = controller
    this.reader.suspend()
    let answer = ''
    let stdoutEnd = '\n'
    let stderrEnd = '\n'
    const toStdout = (text: string) => {
      if (!text) return
      if (stderrEnd !== '\n') {
        this.io.stderr.write('\n')
        stderrEnd = '\n'
      }
      this.io.stdout.write(text)
      stdoutEnd = text.at(-1) as string
    }
    let result: TurnResult | undefined
    let failure: unknown
    try {
      await this.checkFits()
      if (controller.signal.aborted) throw new Error('Interrupted')
      const request: ChatRequest = {messages: this.messages.map(requestMessage), model: this.model, ...this.params}
      result = await this.options.sendTurn(request, {
        onDelta: (text) => {
          answer += text
          toStdout(text)
        },
        onReasoning: (text) => {
          if (!text) return
          this.io.stderr.write(this.paint('2', text))
          stderrEnd = text.at(-1) as string
        },
        signal: controller.signal,
        stream: this.options.stream,
      })
      // Not streamed (or a sender that does not call onDelta): the answer arrives whole.
      if (!answer) toStdout(contentText(result.message?.content ?? null))
    } catch (error) {
      failure = error
    } finally {
      if (stdoutEnd !== '\n') this.io.stdout.write('\n')
      if (stderrEnd !== '\n') this.io.stderr.write('\n')
      this.turn = undefined
      this.reader.restore()
    }

    if (controller.signal.aborted || result?.interrupted) {
      const message = result?.message ?? {content: answer, role: 'assistant'}
      const partial = contentText(message.content) || answer
      await this.interrupted(partial ? {...message, content: partial} : undefined)
      return
    }
    if (failure !== undefined || !result) {
      this.failed(failure)
      return
    }
    this.messages.push(result.message ?? {content: answer, role: 'assistant'})
    if (this.options.stats) {
      const model =
        typeof result.completion.model === 'string' && result.completion.model ? result.completion.model : this.model
      this.say(this.paint('2', formatStats(model, result.usage, result.timing)))
    }
    if (result.usage) {
      this.usage = addUsage(this.usage, result.usage) as Usage
      const count = result.usage.total_tokens ?? result.usage.prompt_tokens + result.usage.completion_tokens
      if (Number.isFinite(count)) this.knownTokens = {count, length: this.messages.length}
    }
    await this.persist()
    await this.checkNearLimit()
  }

  private async interrupted(partial: ChatMessage | undefined): Promise<void> {
    if (partial) {
      this.messages.push(partial)
      this.note('Interrupted: the partial answer is kept (/retry asks again, /undo drops it).')
      await this.persist()
      return
    }
    this.lastFailed = contentText(this.messages.pop()?.content ?? null)
    this.note('Interrupted before the answer began (/retry sends the question again).')
  }

  private failed(error: unknown): void {
    if (isContextLengthError(error)) {
      const count = this.tokens().count
      this.lastFailed = contentText(this.messages.pop()?.content ?? null)
      this.error(
        `The conversation (~${formatCount(count)} tokens) is too long for ${this.model}'s context window` +
          `${this.knownWindow ? ` (${formatCount(this.knownWindow)} tokens)` : ''}: /clear starts afresh, ` +
          '/undo drops the last exchange, /model switches to a model with a larger window.',
      )
      return
    }
    this.lastFailed = contentText(this.messages.pop()?.content ?? null)
    this.error(`${describeError(error).message || 'the request failed'} (/retry sends it again)`)
  }

  // ---- context window ----------------------------------------------------------------------------

  private windowFor(model: string): Promise<number | undefined> {
    let window = this.windows.get(model)
    if (!window) {
      window = Promise.resolve()
        .then(() => this.options.contextWindow(model))
        .then(
          (value) => (typeof value === 'number' && value > 0 ? value : undefined),
          () => undefined,
        )
      this.windows.set(model, window)
    }
    return window.then((value) => {
      if (model === this.model) this.knownWindow = value
      return value
    })
  }

  /** Tokens in the history: the API's count after the last turn, plus an estimate for what came since. */
  private tokens(): {count: number; exact: boolean} {
    const known = this.knownTokens
    if (known && known.length <= this.messages.length) {
      const rest = this.messages.slice(known.length)
      return {count: known.count + estimateTokens(rest), exact: rest.length === 0}
    }
    return {count: estimateTokens(this.messages), exact: false}
  }

  /** Before sending: say so when the history (plus the room asked for the answer) looks too big. */
  private async checkFits(): Promise<void> {
    const window = await this.windowFor(this.model)
    if (!window) return
    const reserve = [this.params.max_completion_tokens, this.params.max_tokens].find(
      (value) => typeof value === 'number',
    ) as number | undefined
    const {count} = this.tokens()
    if (count + (reserve ?? 0) < window) return
    this.note(
      `This may not fit: the conversation is ~${formatCount(count)} tokens` +
        `${reserve ? ` (plus ${formatCount(reserve)} asked for the answer)` : ''} and ${this.model}'s context window is ` +
        `${formatCount(window)}. Sending anyway; /clear starts afresh, /undo drops the last exchange.`,
    )
  }

  /** After a turn (or a switch of model or history): a note once the history nears the window. */
  private async checkNearLimit(): Promise<void> {
    const window = await this.windowFor(this.model)
    if (!window) return
    const {count, exact} = this.tokens()
    if (count < window * NEAR_LIMIT) return
    const share = Math.round((count / window) * 100)
    this.note(
      `The conversation is ${exact ? '' : '~'}${formatCount(count)} tokens, ${share}% of ${this.model}'s ` +
        `${formatCount(window)}-token context window: /clear starts afresh, /undo drops the last exchange.`,
    )
  }

  // ---- slash commands ----------------------------------------------------------------------------

  /** Runs one slash command; true means quit. */
  private async command(line: string): Promise<boolean> {
    const [, rawName, rawArg] = /^\/(\S*)\s*([\s\S]*)$/.exec(line) as RegExpExecArray
    const name = rawName.toLowerCase()
    const arg = rawArg.trim()
    try {
      switch (name) {
        case 'exit':
        case 'quit': {
          return true
        }
        case '?':
        case 'help': {
          this.say(HELP)
          break
        }
        case 'clear': {
          await this.clear()
          break
        }
        case 'history': {
          this.history()
          break
        }
        case 'load': {
          await this.load(arg)
          break
        }
        case 'model': {
          await this.switchModel(arg)
          break
        }
        case 'retry': {
          await this.retry()
          break
        }
        case 'save': {
          await this.save(arg)
          break
        }
        case 'set': {
          await this.set(arg)
          break
        }
        case 'system': {
          await this.system(rawArg.trim())
          break
        }
        case 'undo': {
          await this.undo()
          break
        }
        case 'unset': {
          if (!arg) throw new Error('Usage: /unset NAME')
          const param = paramName(arg)
          if (param in this.params) {
            delete this.params[param]
            this.say(`${param} unset: the API default applies.`)
            await this.persist()
          } else this.say(`${param} is not set.`)
          break
        }
        default: {
          this.error(`Unknown command /${rawName}: /help lists them; start with // to send text that begins with /.`)
        }
      }
    } catch (error) {
      this.error(describeError(error).message)
    }
    return false
  }

  private async clear(): Promise<void> {
    const saved = this.options.store && this.id ? (this.name ?? this.id) : undefined
    let keep = 0
    while (
      keep < this.messages.length &&
      (this.messages[keep].role === 'system' || this.messages[keep].role === 'developer')
    )
      keep++
    this.messages = this.messages.slice(0, keep)
    // A fresh conversation: autosave must not overwrite the one just cleared.
    this.id = undefined
    this.name = undefined
    this.createdAt = undefined
    this.usage = zeroUsage()
    this.knownTokens = undefined
    this.lastFailed = undefined
    this.autosave = this.options.autosave ?? true
    this.say(
      `History cleared${keep ? ' (the system message stays)' : ''}.${saved ? ` The previous conversation stays saved as ${saved}.` : ''}`,
    )
  }

  private history(): void {
    const shown = this.messages.filter((message) => message.role !== 'system' || contentText(message.content))
    if (shown.length === 0) {
      this.say('No messages yet.')
      return
    }
    for (const message of shown) {
      const content =
        contentText(message.content) || (Array.isArray(message.content) ? JSON.stringify(message.content) : '')
      this.say(`${this.paint('1', `${message.role}:`)} ${content}`)
    }
    const {count, exact} = this.tokens()
    this.say(this.paint('2', `(${plural(shown.length, 'message')}, ${exact ? '' : '~'}${formatCount(count)} tokens)`))
  }

  private async load(nameOrId: string): Promise<void> {
    const store = this.requireStore('/load')
    if (!nameOrId) throw new Error('Usage: /load NAME (a saved conversation, by name or id)')
    const conversation = await store.load(nameOrId)
    if (!conversation || !Array.isArray(conversation.messages) || typeof conversation.model !== 'string') {
      throw new Error(`${nameOrId} is not a conversation this REPL can read`)
    }
    this.messages = [...conversation.messages]
    this.model = conversation.model
    this.params = ownParams(conversation.params ?? {})
    this.id = conversation.id
    this.name = conversation.name
    this.createdAt = conversation.created_at
    this.usage = {...zeroUsage(), ...conversation.usage}
    this.knownTokens = undefined
    this.lastFailed = undefined
    const count = this.messages.filter((message) => message.role !== 'system').length
    this.say(`Loaded ${conversation.name ?? conversation.id}: ${plural(count, 'message')}, model ${this.model}.`)
    await this.checkNearLimit()
  }

  private async switchModel(model: string): Promise<void> {
    if (!model) {
      const window = await this.windowFor(this.model)
      this.say(`Model: ${this.model}${window ? ` (context window ${formatCount(window)} tokens)` : ''}`)
      return
    }
    if (/\s/.test(model)) throw new Error(`A model name has no spaces: ${model}`)
    this.model = model
    this.say(`Model: ${model}`)
    await this.persist()
    await this.checkNearLimit()
  }

  private async retry(): Promise<void> {
    if (this.lastFailed !== undefined && this.messages.at(-1)?.role !== 'user') {
      const question = this.lastFailed
      this.lastFailed = undefined
      this.messages.push({content: question, role: 'user'})
      this.note(`Sending again: ${shorten(question)}`)
      await this.runTurn()
      return
    }
    const last = this.messages.findLastIndex((message) => message.role === 'user')
    if (last < 0) {
      this.say('Nothing to retry.')
      return
    }
    this.messages.splice(last + 1)
    this.note(`Asking again: ${shorten(contentText(this.messages[last].content))}`)
    await this.runTurn()
  }

  private async save(name: string): Promise<void> {
    this.requireStore('/save')
    const previous = this.name
    if (name) this.name = name
    try {
      await this.store()
    } catch (error) {
      this.name = previous
      throw error
    }
    this.autosave = true
    this.say(`Saved as ${this.name ?? this.id}.`)
  }

  private async set(arg: string): Promise<void> {
    if (!arg) {
      const entries = Object.entries(this.params)
      if (entries.length === 0) this.say('No parameters set: the API defaults apply. /set NAME VALUE sets one.')
      for (const [key, value] of entries) this.say(`${key} = ${JSON.stringify(value)}`)
      return
    }
    const [, rawName, rawValue] = /^(\S+)\s*([\s\S]*)$/.exec(arg) as RegExpExecArray
    if (rawValue.trim() === '') {
      const key = paramName(rawName)
      this.say(key in this.params ? `${key} = ${JSON.stringify(this.params[key])}` : `${key} is not set.`)
      return
    }
    const {known, name, value} = parseParam(rawName, rawValue)
    this.params[name] = value
    this.say(`${name} = ${JSON.stringify(value)}`)
    if (!known) this.note(`${name} is not a parameter Groq documents: it is sent as given.`)
    await this.persist()
  }

  private async system(text: string): Promise<void> {
    const index = this.messages.findIndex((message) => message.role === 'system')
    if (!text) {
      this.say(
        index < 0
          ? 'No system message. /system TEXT sets one.'
          : `system: ${contentText(this.messages[index].content)}`,
      )
      return
    }
    if (text === '-') {
      if (index >= 0) this.messages.splice(index, 1)
      this.say(index >= 0 ? 'System message removed.' : 'No system message.')
    } else {
      if (index >= 0) this.messages[index] = {...this.messages[index], content: text}
      else this.messages.unshift({content: text, role: 'system'})
      this.say('System message set.')
    }
    this.knownTokens = undefined
    await this.persist()
  }

  private async undo(): Promise<void> {
    const last = this.messages.findLastIndex((message) => message.role === 'user')
    if (last < 0) {
      this.lastFailed = undefined
      this.say('Nothing to undo.')
      return
    }
    const question = contentText(this.messages[last].content)
    this.messages.splice(last)
    this.lastFailed = undefined
    if (this.knownTokens && this.knownTokens.length > this.messages.length) this.knownTokens = undefined
    const left = this.messages.filter((message) => message.role !== 'system').length
    this.say(`Dropped the last exchange ("${shorten(question, 40)}"); ${plural(left, 'message')} left.`)
    await this.persist()
  }

  // ---- saving ------------------------------------------------------------------------------------

  private requireStore(command: string): ReplStore {
    if (!this.options.store) throw new Error(`${command} needs a conversation store, and there is none here`)
    return this.options.store
  }

  private conversation(): Conversation {
    const now = new Date().toISOString()
    this.id ??= (this.options.newId ?? defaultId)()
    this.createdAt ??= now
    return {
      version: 1,
      id: this.id,
      ...(this.name ? {name: this.name} : {}),
      model: this.model,
      created_at: this.createdAt,
      updated_at: now,
      params: {...this.params},
      messages: [...this.messages],
      usage: {...this.usage},
    }
  }

  private async store(): Promise<void> {
    const store = this.requireStore('/save')
    if (!this.id && store.create) {
      const created = await store.create({messages: [], model: this.model, params: {}})
      this.id = created.id
      this.createdAt = created.created_at
    }
    const stored = await store.save(this.conversation())
    if (stored) {
      this.id = stored.id ?? this.id
      this.name = stored.name ?? this.name
      this.createdAt = stored.created_at ?? this.createdAt
    }
  }

  /** Autosave: after every turn and every change, once the conversation has an answer (or a file). */
  private async persist(): Promise<void> {
    if (!this.options.store || !this.autosave) return
    if (!this.id && !this.messages.some((message) => message.role === 'assistant')) return
    try {
      await this.store()
    } catch (error) {
      this.error(`Could not save the conversation: ${describeError(error).message}`)
    }
  }

  // ---- output ------------------------------------------------------------------------------------

  private paint(code: string, text: string): string {
    return this.options.color ? `\u001B[${code}m${text}\u001B[${code === '1' || code === '2' ? '22' : '39'}m` : text
  }

  /** The answer to a command: always shown. */
  private say(text: string): void {
    this.io.stderr.write(text + '\n')
  }

  /** Advice and warnings: not with quiet. */
  private note(text: string): void {
    if (!this.options.quiet) this.io.stderr.write(this.paint('2', text) + '\n')
  }

  private error(text: string): void {
    this.io.stderr.write(`${this.paint('31', 'Error:')} ${text}\n`)
  }
}

/** Tab completes slash commands. */
function complete(line: string): [string[], string] {
  if (!line.startsWith('/') || /\s/.test(line)) return [[], line]
  const hits = REPL_COMMANDS.filter((command) => command.startsWith(line))
  return [hits.length > 0 ? [...hits] : [...REPL_COMMANDS], line]
}
