import {Args} from '../../lib/core/oclif.js'
import {yesFlag} from '../../lib/core/flags.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {confirmDestructive} from '../../lib/core/prompts.js'
import {deleteFineTuning} from '../../lib/fine-tunings/fine-tunings.js'
import {text} from '../../lib/output/types.js'

export default class FineTuningsRm extends BaseCommand<typeof FineTuningsRm> {
  static summary = 'Delete a fine-tuning (closed beta)'
  static description = 'Asks for confirmation on a TTY; elsewhere --yes is required. Prints the deleted id.'
  static examples = ['<%= config.bin %> fine-tunings rm ft_123 --yes']

  static args = {
    id: Args.string({description: 'fine-tuning id', required: true}),
  }

  static flags = {
    yes: yesFlag(),
  }

  async run() {
    const client = await this.client()
    await confirmDestructive(this.io, {
      action: `delete fine-tuning ${this.args.id}`,
      noInput: !this.flags.input,
      yes: this.flags.yes,
    })
    const deleted = await deleteFineTuning(client, this.args.id, this.signal)
    return text(deleted, deleted.id ?? this.args.id)
  }
}
