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
import {describeError} from '../core/errors.js'
import {installInterruptHandler, uninstallInterruptHandler} from '../core/interrupt.js'
import {type IO, write} from '../core/io.js'
import {formatStats} from './output.js'
import {answerOutput} from './rendered-answer.js'
import {isContextLengthError, TokenBudget} from './repl-budget.js'
import {complete, runCommand} from './repl-commands.js'
import {type Input, LineReader, MultiLine} from './repl-input.js'
import {ReplPersistence, type ReplState, type ReplStore} from './repl-store.js'
import {paramsOf} from './session.js'
import {contentText} from './transcript.js'
import type {ChatMessage, ChatRequest, Conversation, SendTurn, TurnResult} from './types.js'

export type {ReplStore} from './repl-store.js'

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
  /**
   * Answers rendered as markdown while they stream, as one-shot `groq chat` does on a terminal (chat/run.ts decides:
   * stdout a terminal, and neither --no-render, --raw nor config chat.render false).
   */
  render?: boolean
  /** Model, messages so far (a system message, say) and parameters; `stream` in it is ignored. */
  request: ChatRequest
  sendTurn: SendTurn
  /**
   * A spinner on stderr until the first byte of an answer arrives (BaseCommand's ux: drawn after 300 ms, only on a
   * terminal, never with --quiet); stopped before anything else is written.
   */
  spinner?(text: string): {stop(): void}
  /** After each answer, a stats line on stderr (model, tokens, time to first token, speed), as `groq chat --stats`. */
  stats?: boolean
  store?: ReplStore
  stream: boolean
}

/** Runs the REPL until /exit, Ctrl-D, Ctrl-C at an empty prompt or the end of input; returns the exit code. */
export function runRepl(options: ReplOptions): Promise<number> {
  return new ReplSession(options).run()
}

/** What the API accepts on an assistant message (the spec says additionalProperties: false). */
const ASSISTANT_KEYS = ['role', 'content', 'name', 'tool_calls', 'function_call'] as const

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

/**
 * One REPL session: the conversation (messages, model, parameters), the input loop and one turn at a time. The
 * slash commands (repl-commands.ts), the token budget (repl-budget.ts), saving (repl-store.ts) and reading input
 * (repl-input.ts) each live beside it and work on this object.
 */
export class ReplSession implements ReplState {
  readonly budget: TokenBudget
  /** A question whose turn failed (or was stopped before any answer): /retry sends it. */
  lastFailed?: string
  messages: ChatMessage[]
  model: string
  params: Record<string, unknown>
  readonly saved: ReplPersistence
  private readonly io: IO
  private readonly multi = new MultiLine()
  private reader!: LineReader
  private turn?: AbortController

  constructor(private readonly options: ReplOptions) {
    this.io = options.io
    const {messages, model, ...rest} = options.request
    this.model = model
    this.messages = [...(messages ?? [])]
    this.params = paramsOf(rest)
    this.budget = new TokenBudget(options.contextWindow, () => this.model)
    this.saved = new ReplPersistence(options.store, options)
  }

  async run(): Promise<number> {
    // The process-wide Ctrl-C handler exits with 130; here Ctrl-C stops an answer instead.
    const listeners = process.listenerCount('SIGINT')
    uninstallInterruptHandler()
    const hadHandler = process.listenerCount('SIGINT') < listeners
    const onSigint = () => this.interrupt()
    process.on('SIGINT', onSigint)
    this.reader = new LineReader(this.io, {completer: complete, onSigint})
    void this.budget.windowFor(this.model)
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
        if (await runCommand(this, entry.text)) return 0
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

  /** Sends the history as it is now and prints the answer; the question is the last message. */
  async runTurn(): Promise<void> {
    // From here Ctrl-C stops this turn (also while the context window is still being looked up).
    const controller = new AbortController()
    this.turn = controller
    this.reader.suspend()
    const output = answerOutput(this.io.stdout, {color: this.options.color, render: Boolean(this.options.render)})
    let answer = ''
    let stderrEnd = '\n'
    // Until the first byte of the answer (or of its reasoning): cleared before anything else is written.
    let spinner: undefined | {stop(): void}
    const waiting = () => {
      spinner = this.options.spinner?.(`Waiting for ${this.model}`)
    }
    const arrived = () => {
      spinner?.stop()
      spinner = undefined
    }
    const toStdout = (text: string) => {
      arrived()
      if (!text) return
      if (stderrEnd !== '\n') {
        this.io.stderr.write('\n')
        stderrEnd = '\n'
      }
      return output.write(text)
    }
    let result: TurnResult | undefined
    let failure: unknown
    try {
      waiting()
      const reserve = [this.params.max_completion_tokens, this.params.max_tokens].find(
        (value) => typeof value === 'number',
      ) as number | undefined
      const fits = await this.budget.fitsNote(this.model, this.messages, reserve)
      if (fits) {
        arrived()
        this.note(fits)
        waiting()
      }
      if (controller.signal.aborted) throw new Error('Interrupted')
      const request: ChatRequest = {messages: this.messages.map(requestMessage), model: this.model, ...this.params}
      result = await this.options.sendTurn(request, {
        onDelta: (text) => {
          answer += text
          return toStdout(text)
        },
        onReasoning: (text) => {
          arrived()
          if (!text) return
          this.io.stderr.write(this.paint('2', text))
          stderrEnd = text.at(-1) as string
        },
        signal: controller.signal,
        stream: this.options.stream,
      })
      // Not streamed (or a sender that does not call onDelta): the answer arrives whole.
      if (!answer) await toStdout(contentText(result.message?.content))
    } catch (error) {
      failure = error
    } finally {
      arrived()
      // What was rendered so far stays (a stopped answer too), and the answer ends in one newline.
      await output.end().catch((error: unknown) => (failure ??= error))
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
      this.saved.addUsage(result.usage)
      this.budget.counted(
        result.usage.total_tokens ?? result.usage.prompt_tokens + result.usage.completion_tokens,
        this.messages.length,
      )
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
    this.lastFailed = contentText(this.messages.pop()?.content, true)
    this.note('Interrupted before the answer began (/retry sends the question again).')
  }

  private failed(error: unknown): void {
    if (isContextLengthError(error)) {
      const message = this.budget.tooLongMessage(this.model, this.messages)
      this.lastFailed = contentText(this.messages.pop()?.content, true)
      this.error(message)
      return
    }
    this.lastFailed = contentText(this.messages.pop()?.content, true)
    this.error(`${describeError(error).message || 'the request failed'} (/retry sends it again)`)
  }

  /** After a turn (or a switch of model or history): a note once the history nears the window. */
  async checkNearLimit(): Promise<void> {
    const note = await this.budget.nearLimitNote(this.model, this.messages)
    if (note) this.note(note)
  }

  /** Autosave: after every turn and every change, once the conversation has an answer (or a file). */
  async persist(): Promise<void> {
    if (!this.saved.shouldSave(this)) return
    try {
      await this.saved.write(this)
    } catch (error) {
      this.error(`Could not save the conversation: ${describeError(error).message}`)
    }
  }

  paint(code: string, text: string): string {
    return this.options.color ? `\u001B[${code}m${text}\u001B[${code === '1' || code === '2' ? '22' : '39'}m` : text
  }

  /** The answer to a command: always shown. */
  say(text: string): void {
    this.io.stderr.write(text + '\n')
  }

  /** Advice and warnings: not with quiet. */
  note(text: string): void {
    if (!this.options.quiet) this.io.stderr.write(this.paint('2', text) + '\n')
  }

  error(text: string): void {
    this.io.stderr.write(`${this.paint('31', 'Error:')} ${text}\n`)
  }
}
