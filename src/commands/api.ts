import {Args, Flags} from '../lib/core/oclif.js'

import {BaseCommand} from '../lib/core/base-command.js'
import {CliError, UsageError} from '../lib/core/errors.js'
import {readFileValue} from '../lib/core/flag-values.js'
import {forceFlag, outFlag} from '../lib/core/flags.js'
import {resolveSink} from '../lib/transfer/index.js'
import {isStdinTTY} from '../lib/core/io.js'
import {type FieldInput, parseFields} from '../lib/api/fields.js'
import {buildApiRequest, METHODS, sendApiRequest} from '../lib/api/request.js'

export default class Api extends BaseCommand<typeof Api> {
  static summary = 'Send any request to the Groq API (like gh api)'
  static description = `PATH is relative to the base URL, e.g. /openai/v1/models; the API key, base URL, retries, timeout and exit codes are those of every command. The response body goes to stdout unchanged in a pipe; on a terminal JSON is indented and coloured and long text goes through the pager (binary is refused there: use -O FILE). --jq EXPR filters a JSON answer as gh api --jq does (strings raw). An HTTP error is one line on stderr with its exit code (404: 4).

-f key=value adds a string field, -F key=value a typed one (true, false, null and numbers as JSON; @FILE the file's text, @- stdin); keys nest as name[sub] and name[] (an array). Fields make the request a POST with a JSON body, or go in the query string for GET and DELETE, or beside --input. --input FILE (- for stdin) sends the file as the body, as is.`

  static examples = [
    '<%= config.bin %> api /openai/v1/models --jq ".data[].id"',
    '<%= config.bin %> api -X POST /openai/v1/chat/completions --input body.json',
    '<%= config.bin %> api /openai/v1/chat/completions -f model=llama-3.1-8b-instant -f "messages[][role]=user" ...',
    '<%= config.bin %> api /openai/v1/embeddings -f model=nomic-embed-text-v1_5 -f input=hello',
    '<%= config.bin %> api -X DELETE /openai/v1/files/file_123 -i',
    '<%= config.bin %> api /openai/v1/batches --paginate',
  ]

  static args = {
    path: Args.string({description: 'API path, e.g. /openai/v1/models', required: true}),
  }

  static flags = {
    method: Flags.string({
      char: 'X',
      description: `HTTP method: ${METHODS.join(', ')} (default GET, POST with fields or --input)`,
    }),
    'raw-field': Flags.string({
      char: 'f',
      description: 'a string field (repeatable)',
      helpValue: 'KEY=VALUE',
      multiple: true,
      multipleNonGreedy: true,
    }),
    field: Flags.string({
      char: 'F',
      description: 'a typed field (repeatable): true, false, null, numbers, @FILE, @-',
      helpValue: 'KEY=VALUE',
      multiple: true,
      multipleNonGreedy: true,
    }),
    // Replaces the global --input/--no-input (allow prompts): `api` never prompts, and gh names its body flag so.
    input: Flags.string({description: 'the request body, sent as is ("-": stdin)', helpValue: 'FILE'}),
    header: Flags.string({
      char: 'H',
      description: 'a request header (repeatable)',
      helpValue: 'NAME: VALUE',
      multiple: true,
      multipleNonGreedy: true,
    }),
    form: Flags.boolean({description: 'send the fields as multipart/form-data; -F name=@FILE parts are files'}),
    out: outFlag(),
    force: forceFlag(),
    include: Flags.boolean({char: 'i', description: 'print the status line and response headers to stderr'}),
    paginate: Flags.boolean({description: 'follow has_more pages of a list (GET), printing each page'}),
  }

  async run() {
    const {flags} = this
    const fields = this.fieldInputs()
    const stdin = await this.stdinIfNeeded(fields)
    const parsed = parseFields(fields, {form: flags.form, readStdin: stdin === undefined ? undefined : () => stdin})
    const input = this.bodyFile
    const body =
      input === undefined ? undefined : input === '-' ? Buffer.from(stdin ?? '') : readFileValue('--input', input)
    const request = buildApiRequest({
      baseURL: this.settings.baseURL?.value ?? 'https://api.groq.com',
      fields: parsed,
      form: flags.form,
      headers: flags.header ?? [],
      input: body,
      method: flags.method,
      path: this.args.path,
    })
    const toFile = flags.out !== undefined && flags.out !== '-'
    if (toFile) this.refuseJq('prints to stdout; not with -O FILE (redirect stdout instead)')
    const sink = await resolveSink({force: flags.force, io: this.io, out: flags.out})
    // --jq, or a terminal (not -O -): the body is printed as every command prints, else it streams to the sink as is.
    const prints = flags.jq !== undefined || (sink.kind === 'stdout' && sink.sniffBinary)
    const client = await this.client()
    await sendApiRequest(client, request, {
      include: flags.include,
      io: this.io,
      paginate: flags.paginate,
      printText: prints ? (body, contentType) => this.printBody(body, contentType) : undefined,
      signal: this.signal,
      sink,
      timeoutMs: this.settings.timeoutMs,
    })
  }

  /** A JSON answer as every command prints JSON (--jq, colour, pager); other text paged as it is. */
  private async printBody(body: string, contentType: string | undefined): Promise<void> {
    const kind = jsonKind(body)
    if (this.flags.jq !== undefined) {
      if (kind) return this.printJsonText(body)
      throw new CliError(`--jq: the response is not JSON${contentType ? ` (${contentType.split(';')[0]})` : ''}`)
    }
    if (kind === 'value') return this.printJsonText(body)
    await this.writeStdout(body)
  }

  /**
   * --input FILE, as gh has it. It replaces the global --input/--no-input (prompts) here: `api` never prompts.
   */
  private get bodyFile(): string | undefined {
    return (this.flags as {input?: unknown}).input as string | undefined
  }

  /** -f and -F in the order given on the command line (later ones win, as in gh). */
  private fieldInputs(): FieldInput[] {
    const raw = (this.flags['raw-field'] ?? []).map((entry) => ({entry, kind: 'raw' as const}))
    const typed = (this.flags.field ?? []).map((entry) => ({entry, kind: 'typed' as const}))
    const position = (entry: string) => this.argv.findIndex((arg) => arg.endsWith(entry))
    return [...raw, ...typed].sort((a, b) => position(a.entry) - position(b.entry))
  }

  /** Stdin is read once, for --input - or one -F key=@-; it is refused when it is a terminal. */
  private async stdinIfNeeded(fields: FieldInput[]): Promise<string | undefined> {
    const fromField = fields.some((field) => field.kind === 'typed' && /^[^=]*=@-$/.test(field.entry))
    const fromInput = this.bodyFile === '-'
    if (!fromField && !fromInput) return undefined
    if (fromField && fromInput) throw new UsageError('--input - and -F key=@- both want stdin: use a file for one')
    if (isStdinTTY(this.io))
      throw new UsageError(`${fromInput ? '--input -' : '-F …=@-'}: stdin is a terminal; pipe the data in`)
    return this.readStdinText()
  }
}

/**
 * One JSON value (an empty body counts: no value, nothing printed), or one per line (JSON Lines: jq reads them as a
 * sequence; on a terminal they are printed as they are), or not JSON.
 */
function jsonKind(text: string): 'lines' | 'value' | undefined {
  if (text.trim() === '') return 'value'
  try {
    JSON.parse(text)
    return 'value'
  } catch {
    const lines = text.split('\n').filter((line) => line.trim() !== '')
    try {
      for (const line of lines) JSON.parse(line)
      return lines.length > 1 ? 'lines' : undefined
    } catch {
      return undefined
    }
  }
}
