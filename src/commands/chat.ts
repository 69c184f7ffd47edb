import {Args, Flags} from '../lib/core/oclif.js'

import {BaseCommand} from '../lib/core/base-command.js'
import type {ToolCall} from '../lib/chat/assemble.js'
import {AnswerWriter, formatStats, formatToolCalls, ReasoningWriter} from '../lib/chat/output.js'
import {buildRequest, type ChatFlags, ENUM_PARAMS, joinUserText, RESPONSE_FORMATS} from '../lib/chat/request.js'
import {createSendTurn} from '../lib/chat/turn.js'
import {continueConversation, latestConversation, namingStore, paramsOf} from '../lib/chat/session.js'
import type {ChatMessage, ChatRequest, Conversation, TurnResult} from '../lib/chat/types.js'
import {appendTurn, ConversationStore, validateName} from '../lib/chat/conversations.js'
import {InterruptedError, UsageError} from '../lib/core/errors.js'
import {onInterrupt} from '../lib/core/interrupt.js'
import {isStdinTTY, isStdoutTTY, readStdin, write} from '../lib/core/io.js'

const MODEL = 'MODEL PARAMETERS'
const MESSAGES = 'MESSAGES'
const TOOLS = 'TOOLS AND FORMAT'
const OUTPUT = 'OUTPUT'
const SESSION = 'CONVERSATION'

type OutputMode = 'json' | 'raw' | 'text'

export default class Chat extends BaseCommand<typeof Chat> {
  static summary = 'Ask a model; the answer streams to stdout'
  static description = `Piped stdin is context: it is sent before the prompt, in one user message, separated by a blank line. With no prompt, stdin is the prompt ("-" as the prompt says so explicitly).

The answer streams as it is generated and ends in exactly one newline; nothing else goes to stdout. Reasoning (--reasoning-format parsed) and --stats go to stderr. --json prints the completion object (a stream is assembled into the same shape as a non-streamed completion, usage included); --raw-chunks (or -o ndjson) prints each streamed chunk as one JSON line. Tool calls are printed one per line: id, function name, arguments (tab-separated), exit 0.

Values of FILE|JSON flags starting with { or [ are inline JSON; anything else is a file path. Every other field of the API's request can be set with --param key=value (value parsed as JSON when it parses, else a string; a.b=… sets a nested field).

With no prompt on a terminal, or with -i, an interactive chat starts: each answer streams to stdout, the whole history is sent every turn, /help lists its commands, Ctrl-C stops an answer, Ctrl-D quits. -i "question" asks it first. Piped into -i, stdin lines are the questions.

Conversations are saved (under $XDG_DATA_HOME/groq/conversations; see groq conversations) after each answer: by default interactive chats, questions asked from a terminal (stdin and stdout) and turns that continue a conversation; anything else with --save. --no-save saves nothing (in the interactive chat, /save still saves); config chat.save false makes that the default. A failed or interrupted request saves nothing. -c continues the most recent conversation and --conversation ID|NAME a chosen one: its history is sent before the new message, and the new turn is added to it (unless --no-save). With them, -m, -s and parameter flags apply to this question only (-s in place of the saved system message); the conversation keeps its model and parameters. In the interactive chat they resume the conversation, and the flags apply to the rest of the session (and are saved with it, as /model and /set are).`

  static examples = [
    '<%= config.bin %> chat "Explain TCP slow start in two sentences"',
    'git diff --staged | <%= config.bin %> chat "write a commit message"',
    '<%= config.bin %> chat < question.txt',
    '<%= config.bin %> chat -m openai/gpt-oss-20b --reasoning-format parsed "Is 1009 prime?"',
    '<%= config.bin %> chat --image photo.jpg -m meta-llama/llama-4-scout-17b-16e-instruct "What is in this picture?"',
    '<%= config.bin %> chat --schema person.schema.json "Invent a person" --json | jq -r ".choices[0].message.content"',
    '<%= config.bin %> chat --tool weather.json --tool-choice get_weather "Weather in Paris?"',
    '<%= config.bin %> chat --messages history.json --stats',
    '<%= config.bin %> chat -i -s "Answer in French"',
    '<%= config.bin %> chat -i "Plan a three-day trip to Lisbon" --name lisbon',
    '<%= config.bin %> chat -c "And in Python?"',
    '<%= config.bin %> chat --conversation lisbon -i',
    'git diff | <%= config.bin %> chat --save --name review "Review this diff"',
    '<%= config.bin %> chat --no-save "A question to forget"',
  ]

  static args = {
    // ignoreStdin: stdin is ours to read (as context), not oclif's to guess into the argument.
    prompt: Args.string({description: 'the prompt; "-" reads it from stdin', ignoreStdin: true}),
  }

  static flags = {
    model: Flags.string({
      char: 'm',
      description: 'model id (default: config model.chat, then llama-3.3-70b-versatile)',
      helpGroup: MODEL,
    }),
    system: Flags.string({char: 's', description: 'system prompt (sent first)', helpGroup: MESSAGES}),
    temperature: Flags.string({description: 'sampling temperature, 0 to 2', helpGroup: MODEL, helpValue: '<0-2>'}),
    'top-p': Flags.string({description: 'nucleus sampling, 0 to 1', helpGroup: MODEL, helpValue: '<0-1>'}),
    'max-tokens': Flags.string({
      description: 'most tokens to generate (sent as max_completion_tokens)',
      helpGroup: MODEL,
      helpValue: '<n>',
    }),
    stop: Flags.string({
      description: 'stop sequence (repeatable, up to 4)',
      helpGroup: MODEL,
      multiple: true,
      multipleNonGreedy: true,
    }),
    seed: Flags.string({
      description: 'seed for best-effort deterministic sampling',
      helpGroup: MODEL,
      helpValue: '<integer>',
    }),
    n: Flags.string({description: 'number of choices (the API supports only 1)', helpGroup: MODEL, helpValue: '<1>'}),
    'frequency-penalty': Flags.string({
      description: 'frequency penalty, -2 to 2',
      helpGroup: MODEL,
      helpValue: '<-2-2>',
    }),
    'presence-penalty': Flags.string({description: 'presence penalty, -2 to 2', helpGroup: MODEL, helpValue: '<-2-2>'}),
    'service-tier': Flags.string({
      description: 'service tier',
      helpGroup: MODEL,
      options: [...ENUM_PARAMS.service_tier.values],
    }),
    'reasoning-format': Flags.string({
      description: 'how reasoning is returned (parsed: to stderr, or in --json)',
      helpGroup: MODEL,
      options: [...ENUM_PARAMS.reasoning_format.values],
    }),
    'reasoning-effort': Flags.string({
      description: 'reasoning effort',
      helpGroup: MODEL,
      options: [...ENUM_PARAMS.reasoning_effort.values],
    }),
    'include-reasoning': Flags.boolean({
      allowNo: true,
      description: 'include the reasoning (not with --reasoning-format)',
      helpGroup: MODEL,
    }),
    user: Flags.string({description: 'end-user id, for abuse monitoring', helpGroup: MODEL}),
    logprobs: Flags.boolean({
      allowNo: true,
      description: 'return log probabilities of the output tokens',
      helpGroup: MODEL,
    }),
    'top-logprobs': Flags.string({
      description: 'most likely tokens per position, 0 to 20 (with --logprobs)',
      helpGroup: MODEL,
      helpValue: '<0-20>',
    }),
    'logit-bias': Flags.string({
      description: 'token id to bias, as JSON: {"1234": -100}',
      helpGroup: MODEL,
      helpValue: 'FILE|JSON',
    }),
    'response-format': Flags.string({
      description: 'answer format (json_schema needs --schema)',
      helpGroup: TOOLS,
      options: [...RESPONSE_FORMATS],
    }),
    schema: Flags.string({
      description:
        'JSON Schema for structured output (implies --response-format json_schema); a {name, schema, strict} object is sent as is',
      helpGroup: TOOLS,
      helpValue: 'FILE|JSON',
    }),
    tool: Flags.string({
      description:
        'tool definition (repeatable): a tool, a bare function, or an array of them; or browser_search, code_interpreter',
      helpGroup: TOOLS,
      helpValue: 'FILE|JSON',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'tool-choice': Flags.string({description: 'none, auto, required, a function name, or JSON', helpGroup: TOOLS}),
    'parallel-tool-calls': Flags.boolean({
      allowNo: true,
      description: 'allow several tool calls in one answer',
      helpGroup: TOOLS,
    }),
    'disable-tool-validation': Flags.boolean({
      allowNo: true,
      description: 'return tool calls without checking them against --tool',
      helpGroup: TOOLS,
    }),
    document: Flags.string({
      description: 'document to ground the answer (repeatable): a text file, a JSON file, or {id?, source} JSON',
      helpGroup: TOOLS,
      helpValue: 'FILE|JSON',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'citation-options': Flags.string({
      description: 'citations from documents or search',
      helpGroup: TOOLS,
      options: [...ENUM_PARAMS.citation_options.values],
    }),
    'search-settings': Flags.string({
      description: 'web search settings (include_domains, country, …)',
      helpGroup: TOOLS,
      helpValue: 'FILE|JSON',
    }),
    'compound-custom': Flags.string({
      description: 'Compound models and tools configuration',
      helpGroup: TOOLS,
      helpValue: 'FILE|JSON',
    }),
    image: Flags.string({
      description:
        'image for a vision model (repeatable): a URL, or a local PNG/JPEG/GIF/WebP/BMP file (sent as base64)',
      helpGroup: MESSAGES,
      helpValue: 'PATH|URL',
      multiple: true,
      multipleNonGreedy: true,
    }),
    message: Flags.string({
      description: 'a message before the prompt (repeatable): system=…, developer=…, user=…, assistant=…',
      helpGroup: MESSAGES,
      helpValue: 'ROLE=CONTENT',
      multiple: true,
      multipleNonGreedy: true,
    }),
    messages: Flags.string({
      description: 'JSON array of messages to start from ("-": stdin)',
      helpGroup: MESSAGES,
      helpValue: 'FILE',
    }),
    param: Flags.string({
      description: 'any other request field (repeatable); value parsed as JSON when it parses',
      helpGroup: MODEL,
      helpValue: 'KEY=VALUE',
      multiple: true,
      multipleNonGreedy: true,
    }),
    stream: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'print the answer as it is generated (--no-stream: one response)',
      helpGroup: OUTPUT,
    }),
    'raw-chunks': Flags.boolean({
      description: 'print each streamed chunk as one JSON line (not with --json)',
      helpGroup: OUTPUT,
    }),
    stats: Flags.boolean({
      allowNo: true,
      description: 'print model, tokens, time to first token and speed to stderr (config: chat.stats)',
      helpGroup: OUTPUT,
    }),
    interactive: Flags.boolean({
      char: 'i',
      description: 'interactive chat (the default with no prompt on a terminal); a prompt is its first question',
      helpGroup: SESSION,
    }),
    save: Flags.boolean({
      allowNo: true,
      description: 'save the conversation (default: interactive, from a terminal, or continuing one)',
      helpGroup: SESSION,
    }),
    continue: Flags.boolean({
      char: 'c',
      description: 'continue the most recent saved conversation (its history is sent, the turn added)',
      helpGroup: SESSION,
    }),
    conversation: Flags.string({
      description: 'continue a saved conversation: id, id prefix or name (with -i: resume it)',
      helpGroup: SESSION,
      helpValue: 'ID|NAME',
    }),
    name: Flags.string({
      description: 'name the new conversation (implies --save)',
      helpGroup: SESSION,
      helpValue: 'NAME',
    }),
  }

  async run(): Promise<void> {
    const {flags} = this
    if (flags['raw-chunks'] && (flags.json || flags.output === 'json'))
      throw new UsageError('--raw-chunks: cannot be used with --json')
    const mode = this.outputMode()
    if (mode === 'raw' && !flags.stream) {
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

    const stdinTTY = isStdinTTY(this.io)
    const {prompt} = this.args
    const terminal = stdinTTY && isStdoutTTY(this.io) && this.canPrompt
    const wantsRepl = flags.interactive || (prompt === undefined && terminal && !flags.messages && !flags.message)
    if (wantsRepl) return this.repl(mode)

    const stdinText = stdinTTY ? undefined : await readStdin(this.io)
    const userText = joinUserText(prompt, flags.messages === '-' ? undefined : stdinText)
    // Saved by default when run from a terminal (stdin and stdout), or when continuing a saved conversation;
    // config chat.save=false turns the terminal default off (--save, --name and -c still save).
    const terminalDefault = this.savesByDefault() && stdinTTY && isStdoutTTY(this.io)
    const save = flags.save ?? (continuing || flags.name !== undefined || terminalDefault)

    let request: ChatRequest
    let conversation: Conversation | undefined
    let added: ChatMessage[]
    let store: ConversationStore | undefined
    if (continuing) {
      const fresh = buildRequest(flags as ChatFlags, {requireMessage: false, stdinText, userText})
      if (fresh.messages.length === (flags.system === undefined ? 0 : 1)) {
        throw new UsageError('No message to send: give a prompt, pipe text on stdin, or use --message/--messages')
      }
      store = this.store()
      conversation = await this.findConversation(store)
      if (flags.model === undefined) fresh.model = conversation.model
      ;({added, request} = continueConversation(conversation, fresh, flags.system !== undefined))
    } else {
      request = buildRequest(flags as ChatFlags, {defaultModel: this.defaultModel(), stdinText, userText})
      added = request.messages
      if (save) {
        store = this.store()
        // In memory until the answer arrives; create() checks --name now, before the request.
        conversation = await store.create({model: request.model, name: flags.name, params: paramsOf(request)})
      }
    }

    const client = await this.client()
    const send = createSendTurn(client, {idleTimeoutMs: this.settings.timeoutMs})
    const result = await this.turn(send, request, mode)

    if (save && store && conversation) {
      // Only after a complete answer: a failed or interrupted request never reaches this line.
      // A continued conversation keeps its saved model and parameters (flags changed them for this turn only).
      const updated = appendTurn(conversation, {messages: [...added, result.message], usage: result.usage})
      await store.save(updated)
      if (flags.save || flags.name !== undefined) this.warnLine(`Saved as ${updated.name ?? updated.id}`)
    }

    if (this.wantsStats())
      this.io.stderr.write(
        formatStats(String(result.completion.model ?? request.model), result.usage, result.timing) + '\n',
      )
  }

  /** Config chat.save (default true): whether terminal chats and REPL sessions are saved without --save. */
  private savesByDefault(): boolean {
    return this.settings.profileData['chat.save'] !== false
  }

  /** The interactive chat (src/lib/chat/repl.ts, loaded only here). Its exit code becomes ours. */
  private async repl(mode: OutputMode): Promise<void> {
    const {flags} = this
    const {prompt} = this.args
    if (mode !== 'text') {
      const flag = flags['raw-chunks'] ? '--raw-chunks' : flags.json ? '--json' : `-o ${flags.output}`
      throw new UsageError(`${flag}: not in the interactive chat (give a prompt for one answer)`)
    }
    if (flags.messages === '-') throw new UsageError("--messages -: stdin is the interactive chat's input; give a file")
    if (prompt === '-') throw new UsageError('"-" (read the prompt from stdin): stdin is the interactive chat\'s input')
    if (flags.image !== undefined && flags.image.length > 0) {
      throw new UsageError(
        '--image: not in the interactive chat; ask about an image in one question: groq chat --image FILE "…"',
      )
    }

    let request = buildRequest(flags as ChatFlags, {defaultModel: this.defaultModel(), requireMessage: false})
    const store = this.store()
    let resumed: Conversation | undefined
    if (flags.continue || flags.conversation !== undefined) {
      resumed = await this.findConversation(store)
      const fresh = flags.model === undefined ? {...request, model: resumed.model} : request
      request = continueConversation(resumed, fresh, flags.system !== undefined).request
    } else if (flags.name !== undefined) {
      await store.create({model: request.model, name: flags.name}) // checks the name is free, now
    }

    const client = await this.client()
    const sendTurn = createSendTurn(client, {idleTimeoutMs: this.settings.timeoutMs})
    const [{runRepl}, {createContextWindow}] = await Promise.all([
      import('../lib/chat/repl.js'),
      import('../lib/chat/model-info.js'),
    ])
    const contextWindow = createContextWindow({
      baseURL: this.settings.baseURL?.value,
      env: this.io.env,
      // A short leash: the first turn waits for this answer (the REPL warns before an oversized request).
      retrieve: (model) =>
        client.models.retrieve(model, {maxRetries: 0, timeout: Math.min(5000, this.settings.timeoutMs)}),
    })
    process.exitCode = await runRepl({
      autosave: flags.save ?? this.savesByDefault(),
      color: this.color,
      contextWindow,
      conversation: resumed && {
        created_at: resumed.created_at,
        id: resumed.id,
        name: resumed.name,
        usage: resumed.usage,
      },
      io: this.io,
      prompt,
      quiet: flags.quiet,
      request,
      sendTurn,
      stats: this.wantsStats(),
      store: namingStore(store, flags.name),
      stream: flags.stream,
    })
  }

  private store(): ConversationStore {
    return ConversationStore.fromEnv(this.io.env)
  }

  /** The conversation -c (the latest) or --conversation ID|NAME names; an unreadable file is an error naming it. */
  private findConversation(store: ConversationStore): Promise<Conversation> {
    const ref = this.flags.conversation
    return ref === undefined ? latestConversation(store) : store.load(ref)
  }

  private defaultModel(): string | undefined {
    const model = this.settings.profileData['model.chat']
    return typeof model === 'string' && model ? model : undefined
  }

  private outputMode(): OutputMode {
    if (this.flags['raw-chunks'] || this.flags.output === 'ndjson') return 'raw'
    if (this.flags.json || this.flags.output === 'json') return 'json'
    return 'text'
  }

  /** --stats / --no-stats, else config chat.stats (which --quiet silences). */
  private wantsStats(): boolean {
    if (this.flags.stats !== undefined) return this.flags.stats
    return this.settings.profileData['chat.stats'] === true && !this.flags.quiet
  }

  private async turn(
    send: ReturnType<typeof createSendTurn>,
    request: ChatRequest,
    mode: OutputMode,
  ): Promise<TurnResult> {
    const {stderr, stdout} = this.io
    const answer = new AnswerWriter(stdout)
    const reasoning = new ReasoningWriter(stderr)
    const text = mode === 'text'
    // Ctrl-C ends the process at once (exit 130, src/lib/core/interrupt.ts): what arrived stays on stdout
    // and gets its line end, as at the end of an answer (these writes are synchronous on a pipe or TTY).
    const forget = onInterrupt(() => {
      reasoning.close()
      if (answer.started) stdout.write('\n')
    })
    let result: TurnResult
    try {
      result = await send(request, {
        onChunk:
          mode === 'raw'
            ? (data) => stdout.write(data.includes('\n') ? JSON.stringify(JSON.parse(data)) + '\n' : data + '\n')
            : undefined,
        onDelta: text
          ? (delta) => {
              reasoning.close()
              return answer.write(delta)
            }
          : () => {},
        onReasoning: text ? (delta) => reasoning.write(delta) : undefined,
        signal: this.signal,
        stream: this.flags.stream,
      })
    } catch (error) {
      // A stream cut part way: end the partial answer's line; the error follows on stderr.
      reasoning.close()
      await answer.end()
      throw error
    } finally {
      forget()
    }
    reasoning.close()
    await answer.end()
    if (result.interrupted) throw new InterruptedError()

    if (mode === 'json') {
      await this.printJSON(result.completion)
    } else if (mode === 'text') {
      const calls = (result.message.tool_calls ?? []) as ToolCall[]
      if (calls.length > 0) await write(stdout, formatToolCalls(calls))
      const finish = (result.completion.choices as Array<{finish_reason?: string}> | undefined)?.[0]?.finish_reason
      if (finish === 'length') this.warnLine('Warning: the answer was cut short by the token limit (--max-tokens)')
    }
    return result
  }

  private printJSON(value: unknown): Promise<void> {
    return write(this.io.stdout, JSON.stringify(value, null, isStdoutTTY(this.io) ? 2 : undefined) + '\n')
  }
}
