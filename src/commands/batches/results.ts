import {Args, Flags} from '../../lib/core/oclif.js'

import {downloadFile, indexResults, inputIds, resolveSink, withScratch, writeJoined} from '../../lib/batches/results.js'
import {BaseCommand} from '../../lib/core/base-command.js'
import {CliError, UsageError} from '../../lib/core/errors.js'
import {forceFlag, outFlag} from '../../lib/core/flags.js'
import {fileSize} from '../../lib/transfer/index.js'
import type {GroqBatch} from '../../lib/output/columns/batches.js'
import {join} from 'node:path'

export default class BatchesResults extends BaseCommand<typeof BatchesResults> {
  static summary = "Download a batch's results (and errors), or join them to the input"
  static description =
    'Writes the output file to -O (stdout when piped or -O -) and the error file to --errors. --join INPUT writes ' +
    'one line per input line, in the input order, matched by custom_id: the result, else the error, else a ' +
    'no_result line (and names those ids on stderr). Files are written atomically; existing ones need --force.'
  static examples = [
    '<%= config.bin %> batches results batch_abc -O results.jsonl --errors errors.jsonl',
    '<%= config.bin %> batches results batch_abc --join requests.jsonl -O joined.jsonl',
  ]

  static args = {
    id: Args.string({description: 'batch id', required: true}),
  }

  static flags = {
    errors: Flags.string({description: 'write the error file here', helpValue: 'PATH'}),
    force: forceFlag('overwrite existing files'),
    join: Flags.string({description: 'the input .jsonl: write results in its order', helpValue: 'INPUT.jsonl'}),
    out: outFlag('write results here (- for stdout); an existing file needs --force'),
  }

  async run() {
    const {errors, force, join: input, out} = this.flags
    this.refuseJq(
      'batches results writes the result lines as they are; pipe them to jq (groq batches results ID | jq …)',
    )
    const sink = await resolveSink({force, io: this.io, out})
    const errorSink = errors ? await resolveSink({force, io: this.io, out: errors}) : undefined
    if (input) await fileSize(input)
    const client = await this.client()
    const batch = (await client.batches.retrieve(this.args.id, {signal: this.signal})) as unknown as GroqBatch
    const outputId = batch.output_file_id ?? undefined
    const errorId = batch.error_file_id ?? undefined
    if (!outputId && !errorId) {
      throw new CliError(`Batch ${batch.id} is ${batch.status} and has no output or error file yet`)
    }
    const fetch = {idleTimeoutMs: this.settings.timeoutMs, io: this.io, signal: this.signal, ux: this.ux}
    if (input) {
      const missing = await withScratch(async (dir) => {
        const parts: string[] = []
        for (const [id, name] of [
          [outputId, 'output.jsonl'],
          [errorId, 'errors.jsonl'],
        ] as const) {
          if (!id) continue
          const path = join(dir, name)
          await downloadFile(client, id, {force: false, kind: 'file', path}, fetch)
          parts.push(path)
        }
        if (errorSink && errorId) await downloadFile(client, errorId, errorSink, fetch)
        return writeJoined(await inputIds(input), await indexResults(parts), sink, fetch)
      })
      if (missing.length > 0) {
        this.warnLine(
          `No result for ${missing.length} input line(s): ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
        )
      }
      return
    }
    if (outputId) await downloadFile(client, outputId, sink, fetch)
    if (errorId && errorSink) await downloadFile(client, errorId, errorSink, fetch)
    else if (errorId && !errorSink) {
      this.warnLine(
        `Batch ${batch.id} has an error file (${batch.request_counts?.failed ?? 'some'} failed): save it with --errors PATH`,
      )
    }
    if (!outputId) {
      if (!errorSink) throw new UsageError(`Batch ${batch.id} has only an error file (${errorId}): pass --errors PATH`)
    }
  }
}
