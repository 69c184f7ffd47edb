import type {Settings} from '../core/config.js'
import {WriteError} from '../core/atomic-write.js'
import {CliError, describeError, InterruptedError, UsageError} from '../core/errors.js'
import {onInterrupt} from '../core/interrupt.js'
import {type IO, isStdinTTY, isStdoutTTY, keepRunningWhenStdoutCloses, readStdin, write} from '../core/io.js'
import type {GroqClient} from '../http/client.js'
import {type Result, text} from '../output/types.js'
import type {ToolCall} from './assemble.js'
import {ConversationStore, validateName} from './conversations.js'
import {formatStats, formatToolCalls, ReasoningWriter} from './output.js'
import {answerOutput} from './rendered-answer.js'
import {buildRequest, type ChatFlags, checkPrompt, joinUserText} from './request.js'
import {continueConversation, latestConversation, namingStore, paramsOf} from './session.js'
import {createSendTurn} from './turn.js'
import type {ChatMessage, ChatRequest, Conversation, SendTurn, TurnResult} from './types.js'

/**
 * `groq chat`: what the command does once oclif has parsed its flags. One question (stdin and the prompt), or the
 * interactive chat (chat/repl.ts, loaded only then); saving and continuing conversations around either.
 */

/** The flags of `groq chat` (src/commands/chat.ts) that this module reads, beside the request's own (ChatFlags). */
export interface ChatCommandFlags extends ChatFlags {
  continue?: boolean
  conversation?: string
  interactive?: boolean
  jq?: string
  json?: boolean
  name?: string
  output?: string
  quiet?: boolean
  raw?: boolean
  'raw-chunks'?: boolean
  render?: boolean
  save?: boolean
  stats?: boolean
  stream: boolean
}

/** What the command hands over: its parsed input, and BaseCommand's lazily resolved settings and client. */
export interface ChatContext {
  canPrompt: boolean
  client(): Promise<GroqClient>
  color: boolean
  flags: ChatCommandFlags
  io: IO
  /** Renders a result as every command's is (BaseCommand's formatter: JSON pretty on a TTY, compact piped). */
  print(result: Result): Promise<void>
  prompt?: string
  settings(): Settings
  signal: AbortSignal
  /** A spinner on stderr while nothing has arrived (BaseCommand's ux: TTY only, none with --quiet). */
  spinner?(text: string): {stop(): void}
  /** A warning or note on stderr, unless --quiet. */
  warn(line: string): void
}

/**
 * How the answer is printed. `text`: streamed as it arrives (the default, and for the profile's table or plain);
 * `json`: the completion object, through the formatter as every command's JSON (--json, -o json, or the profile's
 * `output: json`), printed before the conversation is saved; `raw`: each streamed chunk as one JSON line (--raw-chunks, -o ndjson; never from the profile,
 * where it would turn every chat into chunk lines).
 */
type OutputMode = 'json' | 'raw' | 'text'

/** Runs `groq chat`. */
export async function runChat(context: ChatContext): Promise<void> {
  const {flags, io, prompt} = context
  if (flags['raw-chunks'] && (flags.json || flags.jq !== undefined || flags.output === 'json'))
    throw new UsageError(`--raw-chunks: cannot be used with ${flags.jq === undefined ? '--json' : '--jq'}`)
  const chosen = modeFromFlags(flags)
  if (chosen === 'raw' && !flags.stream) {
    throw new UsageError(`${flags['raw-chunks'] ? '--raw-chunks' : '-o ndjson'}: needs a stream (drop --no-stream)`)
  }
  const continuing = flags.continue || flags.conversation !== undefined
  if (flags.continue && flags.conversation !== undefined) {
    throw new UsageError('--continue and --conversation cannot be used together')
  }
  if (flags.name !== undefined) {
    if (continuing) {
      throw new UsageError(
        `--name: names a new conversation, not with ${flags.continue ? '--continue' : '--conversation'} (to rename one: groq conversations rename)`,
      )
    }
    if (flags.save === false) throw new UsageError('--name and --no-save cannot be used together')
    validateName(flags.name)
  }

  const stdinTTY = isStdinTTY(io)
  const terminal = stdinTTY && isStdoutTTY(io) && context.canPrompt
  const wantsRepl = flags.interactive || (prompt === undefined && terminal && !flags.messages && !flags.message)
  if (wantsRepl) return startRepl(context, chosen)
  checkPrompt(prompt)
  const mode = chosen ?? (context.settings().output === 'json' ? 'json' : 'text')
  return askOnce(context, mode, stdinTTY)
}

/** The mode the flags ask for; undefined when they ask for none (the profile may then choose json). */
function modeFromFlags(flags: ChatCommandFlags): OutputMode | undefined {
  if (flags['raw-chunks']) return 'raw'
  // --json and --jq win over -o, as in every command (BaseCommand's outputFormat).
  if (flags.json || flags.jq !== undefined || flags.output === 'json') return 'json'
  if (flags.output === 'ndjson') return 'raw'
  return flags.output === undefined ? undefined : 'text'
}

/** One question and its answer, saved when saving is on. */
async function askOnce(context: ChatContext, mode: OutputMode, stdinTTY: boolean): Promise<void> {
  const {flags, io, prompt} = context
  const continuing = flags.continue || flags.conversation !== undefined
  // Bounded by config max_stdin (10 MB by default); binary or invalid UTF-8 is refused (core/input.ts).
  const stdinText = stdinTTY ? undefined : await readStdin(io, {maxBytes: context.settings().maxStdinBytes})
  const userText = joinUserText(prompt, flags.messages === '-' ? undefined : stdinText)
  // Saved by default when run from a terminal (stdin and stdout), or when continuing a saved conversation;
  // config chat.save=false turns the terminal default off (--save, --name and -c still save).
  const terminalDefault = savesByDefault(context) && stdinTTY && isStdoutTTY(io)
  const save = flags.save ?? (continuing || flags.name !== undefined || terminalDefault)

  let request: ChatRequest
  let conversation: Conversation | undefined
  let added: ChatMessage[]
  let store: ConversationStore | undefined
  if (continuing) {
    const fresh = buildRequest(flags, {requireMessage: false, stdinText, userText})
    if (fresh.messages.length === (flags.system === undefined ? 0 : 1)) {
      throw new UsageError('No message to send: give a prompt, pipe text on stdin, or use --message/--messages')
    }
    store = ConversationStore.fromEnv(io.env)
    conversation = await findConversation(store, flags)
    if (flags.model === undefined) fresh.model = conversation.model
    ;({added, request} = continueConversation(conversation, fresh, flags.system !== undefined))
  } else {
    request = buildRequest(flags, {defaultModel: defaultModel(context), stdinText, userText})
    added = request.messages
    if (save) {
      store = ConversationStore.fromEnv(io.env)
      // In memory until the answer arrives; create() checks --name now, before the request.
      conversation = await store.create({model: request.model, name: flags.name, params: paramsOf(request)})
    }
  }

  const send = createSendTurn(await context.client(), {idleTimeoutMs: context.settings().timeoutMs})
  // Saving: a reader that goes away (`| head -1`) does not end the run; the answer is read to its end and saved.
  const guard = save ? keepRunningWhenStdoutCloses(io) : undefined
  const printing = guard ? {...context, io: {...io, stdout: guard.stdout}} : context
  let result: TurnResult
  try {
    // The answer is kept only for what reads it after it was written out: --json and the saved conversation.
    result = await printTurn(printing, send, request, mode, mode === 'json' || save)
    if (mode === 'json') await context.print(text(result.completion, contentOf(result))).catch(droppedIfClosed(guard))
  } finally {
    guard?.release()
  }

  if (save && store && conversation) {
    // Only after a complete answer: a failed or interrupted request never reaches this line.
    // A continued conversation keeps its saved model and parameters (flags changed them for this turn only);
    // its turn is added to the file as it is now, under its lock (parallel runs each add theirs).
    let updated: Conversation
    try {
      updated = await store.addTurn(conversation, {messages: [...added, result.message], usage: result.usage})
    } catch (error) {
      throw notSaved(error)
    }
    if (flags.save || flags.name !== undefined) context.warn(`Saved as ${updated.name ?? updated.id}`)
  }
  if (wantsStats(context)) {
    const model = String(result.completion.model ?? request.model)
    io.stderr.write(formatStats(model, result.usage, result.timing) + '\n')
  }
}

/** A print into a closed stdout while saving: nothing to do (the answer is still saved). */
const droppedIfClosed = (guard: ReturnType<typeof keepRunningWhenStdoutCloses> | undefined) => (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code
  if (guard && (guard.closed() || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED')) return
  throw error
}

/**
 * The answer was printed but could not be saved (a full disk, a file that is not ours to overwrite, a lock held too
 * long): said as such, so the user knows it is not in the conversation. Exit code of the cause (1 for a full disk).
 */
function notSaved(error: unknown): CliError {
  if (error instanceof WriteError) {
    const cause = ((error.cause as Error | undefined)?.message ?? error.message).replace(/, \w+(?: '.*')?$/s, '')
    return new CliError(`The answer was not saved: cannot write ${error.path} (${cause})`)
  }
  const described = describeError(error)
  return new CliError(`The answer was not saved: ${described.message}`, described.exitCode)
}

const contentOf = (result: TurnResult) => (typeof result.message.content === 'string' ? result.message.content : '')

/** Sends the request, writing the answer (text or raw chunks) as it arrives, reasoning to stderr. */
async function printTurn(
  context: ChatContext,
  send: SendTurn,
  request: ChatRequest,
  mode: OutputMode,
  keepText: boolean,
) {
  const {stderr, stdout} = context.io
  const asText = mode === 'text'
  const answer = answerOutput(stdout, {color: context.color, render: asText && rendersMarkdown(context)})
  const reasoning = new ReasoningWriter(stderr)
  // Ctrl-C ends the process at once (exit 130, src/lib/core/interrupt.ts): what arrived stays on stdout
  // and gets its line end, as at the end of an answer (these writes are synchronous on a pipe or TTY).
  const forget = onInterrupt(() => {
    spinner?.stop()
    reasoning.close()
    answer.closeNow()
  })
  // Until the first byte of the answer: cleared before anything else is written (it draws only after 300 ms).
  let spinner = context.spinner?.(`Waiting for ${request.model}`)
  const arrived = () => {
    spinner?.stop()
    spinner = undefined
  }
  let result: TurnResult
  try {
    result = await send(request, {
      keepText,
      onChunk:
        mode === 'raw'
          ? (data) => {
              arrived()
              stdout.write(data.includes('\n') ? JSON.stringify(JSON.parse(data)) + '\n' : data + '\n')
            }
          : undefined,
      onDelta: asText
        ? (delta) => {
            arrived()
            reasoning.close()
            return answer.write(delta)
          }
        : arrived,
      onReasoning: asText
        ? (delta) => {
            arrived()
            reasoning.write(delta)
          }
        : undefined,
      signal: context.signal,
      stream: context.flags.stream,
    })
  } catch (error) {
    // A stream cut part way: end the partial answer's line; the error follows on stderr.
    arrived()
    reasoning.close()
    await answer.end()
    throw error
  } finally {
    arrived()
    forget()
  }
  reasoning.close()
  await answer.end()
  if (result.interrupted) throw new InterruptedError()
  if (asText) {
    const calls = (result.message.tool_calls ?? []) as ToolCall[]
    if (calls.length > 0) await write(stdout, formatToolCalls(calls))
    const finish = (result.completion.choices as Array<{finish_reason?: string}> | undefined)?.[0]?.finish_reason
    if (finish === 'length') context.warn('Warning: the answer was cut short by the token limit (--max-tokens)')
  }
  return result
}

/**
 * Markdown is rendered on a terminal (stdout a TTY), unless --no-render, --raw or config `chat.render false`; never
 * in a pipe, where the answer is the model's text byte for byte.
 */
export function rendersMarkdown(context: Pick<ChatContext, 'flags' | 'io' | 'settings'>): boolean {
  if (!isStdoutTTY(context.io) || context.flags.raw) return false
  if (context.flags.render !== undefined) return context.flags.render
  return context.settings().profileData['chat.render'] !== false
}

/** The interactive chat (chat/repl.ts, loaded only here). Its exit code becomes ours. */
async function startRepl(context: ChatContext, chosen: OutputMode | undefined): Promise<void> {
  const {flags, prompt} = context
  if (chosen !== undefined && chosen !== 'text') {
    const flag = flags['raw-chunks']
      ? '--raw-chunks'
      : flags.jq !== undefined
        ? '--jq'
        : flags.json
          ? '--json'
          : `-o ${flags.output}`
    throw new UsageError(`${flag}: not in the interactive chat (give a prompt for one answer)`)
  }
  if (flags.messages === '-') throw new UsageError("--messages -: stdin is the interactive chat's input; give a file")
  if (prompt === '-') throw new UsageError('"-" (read the prompt from stdin): stdin is the interactive chat\'s input')
  if (flags.image !== undefined && flags.image.length > 0) {
    throw new UsageError(
      '--image: not in the interactive chat; ask about an image in one question: groq chat --image FILE "…"',
    )
  }

  let request = buildRequest(flags, {defaultModel: defaultModel(context), requireMessage: false})
  const store = ConversationStore.fromEnv(context.io.env)
  let resumed: Conversation | undefined
  if (flags.continue || flags.conversation !== undefined) {
    resumed = await findConversation(store, flags)
    const fresh = flags.model === undefined ? {...request, model: resumed.model} : request
    request = continueConversation(resumed, fresh, flags.system !== undefined).request
  } else if (flags.name !== undefined) {
    await store.create({model: request.model, name: flags.name}) // checks the name is free, now
  }

  const client = await context.client()
  const settings = context.settings()
  const sendTurn = createSendTurn(client, {idleTimeoutMs: settings.timeoutMs})
  const [{runRepl}, {createContextWindow}] = await Promise.all([import('./repl.js'), import('./model-info.js')])
  const contextWindow = createContextWindow({
    baseURL: settings.baseURL?.value,
    env: context.io.env,
    // A short leash: the first turn waits for this answer (the REPL warns before an oversized request).
    retrieve: (model) => client.models.retrieve(model, {maxRetries: 0, timeout: Math.min(5000, settings.timeoutMs)}),
  })
  process.exitCode = await runRepl({
    autosave: flags.save ?? savesByDefault(context),
    color: context.color,
    contextWindow,
    conversation: resumed && {
      created_at: resumed.created_at,
      id: resumed.id,
      name: resumed.name,
      usage: resumed.usage,
    },
    io: context.io,
    prompt,
    quiet: flags.quiet,
    render: rendersMarkdown(context),
    request,
    sendTurn,
    spinner: context.spinner,
    stats: wantsStats(context),
    store: namingStore(store, flags.name),
    stream: flags.stream,
  })
}

/** The conversation -c (the latest) or --conversation ID|NAME names; an unreadable file is an error naming it. */
function findConversation(store: ConversationStore, flags: ChatCommandFlags): Promise<Conversation> {
  return flags.conversation === undefined ? latestConversation(store) : store.load(flags.conversation)
}

/** Config chat.save (default true): whether terminal chats and REPL sessions are saved without --save. */
const savesByDefault = (context: ChatContext): boolean => context.settings().profileData['chat.save'] !== false

function defaultModel(context: ChatContext): string | undefined {
  const model = context.settings().profileData['model.chat']
  return typeof model === 'string' && model ? model : undefined
}

/** --stats / --no-stats, else config chat.stats (which --quiet silences). */
function wantsStats(context: ChatContext): boolean {
  const {flags} = context
  if (flags.stats !== undefined) return flags.stats
  return context.settings().profileData['chat.stats'] === true && !flags.quiet
}
