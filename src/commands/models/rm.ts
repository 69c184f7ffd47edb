import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {text} from '../../lib/output/types.js'
import {confirmDestructive} from '../../lib/core/prompts.js'
import {yesFlag} from '../../lib/core/flags.js'

export default class ModelsRm extends BaseCommand<typeof ModelsRm> {
  static summary = 'Delete a model (a fine-tuned model you own)'
  static description = 'Asks for confirmation on a TTY; elsewhere --yes is required. Prints the deleted id.'
  static hiddenAliases = ['models:delete']
  static examples = [
    '<%= config.bin %> models rm my-org/my-fine-tune',
    '<%= config.bin %> models rm my-org/my-fine-tune --yes --json',
  ]

  static args = {
    model: Args.string({description: 'model id', required: true}),
  }

  static flags = {
    yes: yesFlag(),
  }

  async run() {
    const client = await this.client()
    await confirmDestructive(this.io, {
      action: `delete model ${this.args.model}`,
      noInput: !this.flags.input,
      yes: this.flags.yes,
    })
    const deleted = await client.models.delete(this.args.model, {signal: this.signal})
    return text(deleted, deleted.id)
  }
}
