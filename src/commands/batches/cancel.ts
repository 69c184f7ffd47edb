import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {yesFlag} from '../../lib/core/flags.js'
import {confirmDestructive} from '../../lib/core/prompts.js'
import {BATCH_FIELDS, type GroqBatch} from '../../lib/output/columns/batches.js'
import {object} from '../../lib/output/types.js'

export default class BatchesCancel extends BaseCommand<typeof BatchesCancel> {
  static summary = 'Cancel a batch'
  static description = 'Asks on a TTY; elsewhere --yes is required. Prints the Batch (status cancelling).'
  static examples = [
    '<%= config.bin %> batches cancel batch_abc',
    '<%= config.bin %> batches cancel batch_abc --yes --json',
  ]

  static args = {
    id: Args.string({description: 'batch id', required: true}),
  }

  static flags = {
    yes: yesFlag(),
  }

  async run() {
    const client = await this.client()
    await confirmDestructive(this.io, {
      action: `cancel batch ${this.args.id}`,
      noInput: !this.flags.input,
      yes: this.flags.yes,
    })
    const batch = (await client.batches.cancel(this.args.id, {signal: this.signal})) as unknown as GroqBatch
    return object(batch, BATCH_FIELDS)
  }
}
