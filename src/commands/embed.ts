import {Args, Flags} from '../lib/core/oclif.js'

import {BaseCommand} from '../lib/core/base-command.js'
import {argsOrStdinLines} from '../lib/core/input.js'
import {
  checkInputs,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_EMBED_MODEL,
  embed,
  EMBEDDING_COLUMNS,
  ENCODING_FORMATS,
  type EncodingFormat,
  MAX_CHUNK_SIZE,
  toRows,
} from '../lib/embed/embed.js'
import {list} from '../lib/output/types.js'

export default class Embed extends BaseCommand<typeof Embed> {
  static summary = 'Turn texts into embedding vectors'
  static description = `Each TEXT argument is one input; with none, each line of stdin is one. Vectors come out in input order: plain prints one per line (space-separated numbers, or the base64 text), -o ndjson one {"index","embedding"} per line, --json the API's list object.

Inputs are sent --chunk-size at a time, one request after another; --json then merges the answers into one list object (indices over all inputs, usage summed), which for a single request is the API's object unchanged.`

  static examples = [
    '<%= config.bin %> embed "The quick brown fox"',
    '<%= config.bin %> embed < sentences.txt > vectors.txt',
    '<%= config.bin %> embed -o ndjson "first" "second" | jq -c .index',
    '<%= config.bin %> embed --json "hello" | jq ".data[0].embedding | length"',
  ]

  static args = {
    text: Args.string({description: 'a text to embed (repeatable); default: one per stdin line', ignoreStdin: true}),
  }

  static strict = false

  static flags = {
    model: Flags.string({
      char: 'm',
      description: `model id (default: config model.embed, then ${DEFAULT_EMBED_MODEL})`,
    }),
    'encoding-format': Flags.string({description: 'vector encoding', options: [...ENCODING_FORMATS]}),
    'chunk-size': Flags.integer({
      default: DEFAULT_CHUNK_SIZE,
      description: `texts per request, 1 to ${MAX_CHUNK_SIZE}`,
      max: MAX_CHUNK_SIZE,
      min: 1,
    }),
    user: Flags.string({description: 'end-user id, for abuse monitoring'}),
  }

  async run() {
    const {texts, source} = await argsOrStdinLines(this.io, this.parsedArgv, {arg: 'TEXT', hint: 'text to embed'})
    checkInputs(texts, source)
    const client = await this.client()
    const answer = await embed(client, texts, {
      chunkSize: this.flags['chunk-size'],
      encodingFormat: this.flags['encoding-format'] as EncodingFormat | undefined,
      model: this.flags.model ?? this.configuredModel('embed') ?? DEFAULT_EMBED_MODEL,
      signal: this.signal,
      user: this.flags.user,
    })
    return list(answer, toRows(answer), EMBEDDING_COLUMNS)
  }
}
