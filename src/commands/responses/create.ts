import {Args, Flags} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {joinUserText} from '../../lib/chat/request.js'
import {isStdinTTY, write} from '../../lib/core/io.js'
import {
  buildResponseRequest,
  DEFAULT_RESPONSES_MODEL,
  REASONING_EFFORTS,
  type ResponsesFlags,
  SERVICE_TIERS,
  TEXT_FORMATS,
  TRUNCATIONS,
} from '../../lib/responses/request.js'
import {
  checkStatus,
  createResponse,
  functionCalls,
  plainText,
  type ResponseObject,
  streamResponse,
} from '../../lib/responses/response.js'
import {text} from '../../lib/output/types.js'

const MODEL = 'MODEL PARAMETERS'
const TOOLS = 'TOOLS AND FORMAT'

export default class ResponsesCreate extends BaseCommand<typeof ResponsesCreate> {
  static summary = 'Ask a model through the Responses API'
  static description = `Piped stdin is context, as for groq chat: it is sent before INPUT (separated by a blank line); with no INPUT, stdin is the input. --input-items sends a JSON array of input items instead (INPUT, if given, is added as a last user message).

Plain output is the response's text, then one line per function call (call id, name, arguments, tab-separated); --json prints the response object. --stream prints the text as it arrives; with --json it prints the final response object, with -o ndjson every event as one JSON line.`

  static examples = [
    '<%= config.bin %> responses create "Tell me a three sentence bedtime story about a unicorn."',
    'cat notes.md | <%= config.bin %> responses create --stream "Summarise these notes"',
    '<%= config.bin %> responses create --instructions "Answer in French" --max-output-tokens 200 "Hello"',
    '<%= config.bin %> responses create --schema person.schema.json "Invent a person" --json | jq .output',
    '<%= config.bin %> responses create --tool weather.json --tool-choice get_weather "Weather in Paris?"',
    '<%= config.bin %> responses create --input-items conversation.json --metadata run=42',
  ]

  static args = {
    input: Args.string({description: 'the input text; "-" reads it from stdin', ignoreStdin: true}),
  }

  static flags = {
    model: Flags.string({
      char: 'm',
      description: `model id (default: config model.responses, then ${DEFAULT_RESPONSES_MODEL})`,
      helpGroup: MODEL,
    }),
    instructions: Flags.string({description: 'system (or developer) message placed first', helpGroup: MODEL}),
    'input-items': Flags.string({
      description: 'JSON array of input items ("-": stdin)',
      helpValue: 'FILE|JSON',
    }),
    'max-output-tokens': Flags.string({
      description: 'most tokens to generate, reasoning included',
      helpGroup: MODEL,
      helpValue: '<n>',
    }),
    temperature: Flags.string({description: 'sampling temperature, 0 to 2', helpGroup: MODEL, helpValue: '<0-2>'}),
    'top-p': Flags.string({description: 'nucleus sampling, 0 to 1', helpGroup: MODEL, helpValue: '<0-1>'}),
    'reasoning-effort': Flags.string({
      description: 'reasoning effort (reasoning models)',
      helpGroup: MODEL,
      options: [...REASONING_EFFORTS],
    }),
    'service-tier': Flags.string({description: 'service tier', helpGroup: MODEL, options: [...SERVICE_TIERS]}),
    truncation: Flags.string({description: 'context truncation', helpGroup: MODEL, options: [...TRUNCATIONS]}),
    store: Flags.boolean({
      allowNo: true,
      description: 'store the response (Groq supports only false)',
      helpGroup: MODEL,
    }),
    metadata: Flags.string({
      description: 'key=value to attach (repeatable, up to 16)',
      helpGroup: MODEL,
      helpValue: 'KEY=VALUE',
      multiple: true,
      multipleNonGreedy: true,
    }),
    user: Flags.string({description: 'end-user id, for abuse monitoring', helpGroup: MODEL}),
    tool: Flags.string({
      description: 'function tool (repeatable): a Responses tool, a bare function, a chat tool, or an array of them',
      helpGroup: TOOLS,
      helpValue: 'FILE|JSON',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'tool-choice': Flags.string({description: 'none, auto, required, a function name, or JSON', helpGroup: TOOLS}),
    'parallel-tool-calls': Flags.boolean({
      allowNo: true,
      description: 'allow several tool calls at once',
      helpGroup: TOOLS,
    }),
    'text-format': Flags.string({
      description: 'output format (json_schema needs --schema)',
      helpGroup: TOOLS,
      options: [...TEXT_FORMATS],
    }),
    schema: Flags.string({
      description: 'JSON Schema for structured output (implies --text-format json_schema)',
      helpGroup: TOOLS,
      helpValue: 'FILE|JSON',
    }),
    stream: Flags.boolean({description: 'print the text as it is generated'}),
  }

  async run() {
    const {flags} = this
    const stdinText = isStdinTTY(this.io) ? undefined : await this.readStdinText()
    const itemsFromStdin = flags['input-items'] === '-'
    const body = buildResponseRequest(flags as ResponsesFlags, {
      defaultModel: this.configuredModel('responses'),
      stdinText,
      userText: joinUserText(this.args.input, itemsFromStdin ? undefined : stdinText),
    })
    const client = await this.client()
    if (!flags.stream) return this.answer(await createResponse(client, body, this.signal))

    const format = this.outputFormat
    let printed = ''
    const final = await streamResponse(
      client,
      body,
      {
        onDelta:
          format === 'json' || format === 'ndjson'
            ? undefined
            : (delta) => {
                printed = delta
                return write(this.io.stdout, delta)
              },
        onEvent: format === 'ndjson' ? (data) => this.io.stdout.write(data + '\n') : undefined,
      },
      this.signal,
    )
    if (format === 'json') return this.answer(final)
    const warning = checkStatus(final)
    if (warning) this.warnLine(warning)
    if (format === 'ndjson') return
    // The streamed text ends in exactly one newline; function calls follow, one per line.
    const calls = functionCalls(final).map((call) => `${call.call_id}\t${call.name}\t${call.arguments}\n`)
    const end = printed !== '' && !printed.endsWith('\n') ? '\n' : ''
    if (end || calls.length > 0) await write(this.io.stdout, end + calls.join(''))
  }

  private answer(response: ResponseObject) {
    const warning = checkStatus(response)
    if (warning) this.warnLine(warning)
    return text(response, plainText(response))
  }
}
