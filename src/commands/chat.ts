import {Args, Flags} from '../lib/core/oclif.js'

import {BaseCommand} from '../lib/core/base-command.js'
import {HELP_GROUPS, paramFlags} from '../lib/chat/flags.js'
import {type ChatCommandFlags, runChat} from '../lib/chat/run.js'

const {messages: MESSAGES, model: MODEL, output: OUTPUT, session: SESSION, tools: TOOLS} = HELP_GROUPS

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
    // The request parameters (temperature, --tool, …): from the table in src/lib/chat/params.ts.
    ...paramFlags(),
    schema: Flags.string({
      description:
        'JSON Schema for structured output (implies --response-format json_schema); a {name, schema, strict} object is sent as is',
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
    render: Flags.boolean({
      allowNo: true,
      description: 'render markdown on a terminal (the default there; config: chat.render); never when piped',
      helpGroup: OUTPUT,
    }),
    raw: Flags.boolean({
      description: 'print the answer as the model wrote it, markdown unrendered (same as --no-render)',
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
    await runChat({
      canPrompt: this.canPrompt,
      client: () => this.client(),
      color: this.color,
      flags: this.flags as ChatCommandFlags,
      io: this.io,
      print: (result) => this.print(result),
      prompt: this.args.prompt,
      settings: () => this.settings,
      signal: this.signal,
      spinner: (text) => this.ux.spinner(text),
      warn: (line) => this.warnLine(line),
    })
  }
}
