import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {FINE_TUNING_FIELDS, getFineTuning} from '../../lib/fine-tunings/fine-tunings.js'
import {object} from '../../lib/output/types.js'

export default class FineTuningsGet extends BaseCommand<typeof FineTuningsGet> {
  static summary = 'Show one fine-tuning (closed beta)'
  static examples = [
    '<%= config.bin %> fine-tunings get ft_123',
    '<%= config.bin %> fine-tunings get ft_123 --json | jq .data',
  ]

  static args = {
    id: Args.string({description: 'fine-tuning id', required: true}),
  }

  async run() {
    const client = await this.client()
    return object(await getFineTuning(client, this.args.id, this.signal), FINE_TUNING_FIELDS)
  }
}
