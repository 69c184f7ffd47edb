import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {type GroqModel, MODEL_FIELDS} from '../../lib/output/columns/models.js'
import {object} from '../../lib/output/types.js'

export default class ModelsGet extends BaseCommand<typeof ModelsGet> {
  static summary = 'Show one model'
  static examples = [
    '<%= config.bin %> models get llama-3.3-70b-versatile',
    '<%= config.bin %> models get llama-3.3-70b-versatile --json | jq .context_window',
  ]

  static args = {
    model: Args.string({description: 'model id', required: true}),
  }

  async run() {
    const client = await this.client()
    const model = (await client.models.retrieve(this.args.model, {signal: this.signal})) as unknown as GroqModel
    return object(model, MODEL_FIELDS)
  }
}
