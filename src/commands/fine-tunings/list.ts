import {BaseCommand} from '../../lib/core/base-command.js'
import {limitFlag, listing} from '../../lib/core/listing.js'
import {FINE_TUNING_COLUMNS, listFineTunings} from '../../lib/fine-tunings/fine-tunings.js'

export default class FineTuningsList extends BaseCommand<typeof FineTuningsList> {
  static summary = 'List your fine-tunings (closed beta)'
  static examples = [
    '<%= config.bin %> fine-tunings list',
    "<%= config.bin %> fine-tunings list --json | jq -r '.data[].id'",
  ]

  static flags = {
    limit: limitFlag(),
  }

  async run() {
    const client = await this.client()
    const answer = await listFineTunings(client, this.signal)
    return listing(answer, {columns: FINE_TUNING_COLUMNS, limit: this.flags.limit})
  }
}
