import {Flags} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {UsageError} from '../../lib/core/errors.js'
import {createFineTuning, DEFAULT_FINE_TUNING_TYPE, FINE_TUNING_FIELDS} from '../../lib/fine-tunings/fine-tunings.js'
import {object} from '../../lib/output/types.js'

export default class FineTuningsCreate extends BaseCommand<typeof FineTuningsCreate> {
  static summary = 'Start a fine-tuning from an uploaded file (closed beta)'
  static description =
    'Upload the training data first (groq files upload), then pass its id. Prints the new fine-tuning.'
  static examples = [
    '<%= config.bin %> fine-tunings create --base-model llama-3.1-8b-instant --input-file-id file_123 --name test-1',
  ]

  static flags = {
    'base-model': Flags.string({description: 'the model to fine-tune', required: true}),
    'input-file-id': Flags.string({description: 'id of the uploaded training file', required: true}),
    name: Flags.string({description: 'a name for the fine-tuned model', required: true}),
    type: Flags.string({default: DEFAULT_FINE_TUNING_TYPE, description: 'fine-tuning type'}),
  }

  async run() {
    const {flags} = this
    for (const flag of ['base-model', 'input-file-id', 'name', 'type'] as const) {
      if (flags[flag].trim() === '') throw new UsageError(`--${flag}: must not be empty`)
    }
    const client = await this.client()
    const body = {
      base_model: flags['base-model'],
      input_file_id: flags['input-file-id'],
      name: flags.name,
      type: flags.type,
    }
    return object(await createFineTuning(client, body, this.signal), FINE_TUNING_FIELDS)
  }
}
