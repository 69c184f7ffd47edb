import {Args, Flags} from '../lib/core/oclif.js'

import {BaseCommand} from '../lib/core/base-command.js'
import {UsageError} from '../lib/core/errors.js'
import {readFileValue, splitLines} from '../lib/core/flag-values.js'
import {argsOrStdinLines, type Texts} from '../lib/core/input.js'
import {buildRerankRequest, DEFAULT_RERANK_MODEL, MAX_DOCS, rerank, RERANK_COLUMNS} from '../lib/rerank/rerank.js'
import {list} from '../lib/output/types.js'

export default class Rerank extends BaseCommand<typeof Rerank> {
  static summary = 'Rank documents by relevance to a query'
  static description = `Documents are the DOC arguments, else the lines of --docs-file, else the lines of stdin: 1 to ${MAX_DOCS}, none empty (checked before sending). Prints rank, score and document, best first (the document cut to fit in a table); --json prints the API's object.`

  static examples = [
    '<%= config.bin %> rerank --query "artificial intelligence" "Machine learning is a subset of AI" "The weather is nice today"',
    '<%= config.bin %> rerank --query "climate change effects" --docs-file docs.txt --top 3',
    "grep -h . notes/*.txt | <%= config.bin %> rerank --query 'deadline' --json | jq -r '.results[0].doc'",
  ]

  static args = {
    doc: Args.string({
      description: 'a document (repeatable); default: --docs-file, then stdin lines',
      ignoreStdin: true,
    }),
  }

  static strict = false

  static flags = {
    query: Flags.string({description: 'the search query to rank documents against', required: true}),
    model: Flags.string({
      char: 'm',
      description: `model id (default: config model.rerank, then ${DEFAULT_RERANK_MODEL})`,
    }),
    instruction: Flags.string({description: 'instruction that guides the ranking'}),
    'docs-file': Flags.string({description: 'file with one document per line', helpValue: 'FILE'}),
    top: Flags.integer({description: 'print only the best N', min: 1}),
  }

  async run() {
    const {flags} = this
    const {source, texts} = await this.documents()
    const body = buildRerankRequest(
      {
        docs: texts,
        instruction: flags.instruction,
        model: flags.model ?? this.configuredModel('rerank') ?? DEFAULT_RERANK_MODEL,
        query: flags.query,
      },
      source,
    )
    const client = await this.client()
    const {data, rows} = await rerank(client, body, {signal: this.signal, top: flags.top})
    return list(data, rows, RERANK_COLUMNS)
  }

  private async documents(): Promise<Texts> {
    const file = this.flags['docs-file']
    if (file === undefined) return argsOrStdinLines(this.io, this.parsedArgv, {arg: 'DOC', hint: 'documents to rank'})
    if (this.parsedArgv.length > 0) throw new UsageError('--docs-file: give documents either as arguments or in a file')
    const texts = splitLines(readFileValue('--docs-file', file).toString('utf8'))
    return {source: (index) => `${file}:${index + 1}`, texts}
  }
}
