import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {BATCH_FIELDS, type GroqBatch} from '../../lib/output/columns/batches.js'
import {object} from '../../lib/output/types.js'

export default class BatchesGet extends BaseCommand<typeof BatchesGet> {
  static summary = 'Show one batch'
  static examples = [
    '<%= config.bin %> batches get batch_abc',
    '<%= config.bin %> batches get batch_abc --json | jq .status',
  ]

  static args = {
    id: Args.string({description: 'batch id', required: true}),
  }

  async run() {
    const client = await this.client()
    const batch = (await client.batches.retrieve(this.args.id, {signal: this.signal})) as unknown as GroqBatch
    return object(batch, BATCH_FIELDS)
  }
}
