import {BaseCommand} from '../../lib/core/base-command.js'
import {FINE_TUNING_COLUMNS, listFineTunings} from '../../lib/fine-tunings/fine-tunings.js'
import {list} from '../../lib/output/types.js'

export default class FineTuningsList extends BaseCommand<typeof FineTuningsList> {
  static summary = 'List your fine-tunings (closed beta)'
  static examples = [
    '<%= config.bin %> fine-tunings list',
    "<%= config.bin %> fine-tunings list --json | jq -r '.data[].id'",
  ]

  async run() {
    const client = await this.client()
    const answer = await listFineTunings(client, this.signal)
    return list(answer, answer.data, FINE_TUNING_COLUMNS)
  }
}
