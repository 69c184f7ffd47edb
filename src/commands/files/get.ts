import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {FILE_FIELDS, type GroqFile} from '../../lib/output/columns/files.js'
import {object} from '../../lib/output/types.js'

export default class FilesGet extends BaseCommand<typeof FilesGet> {
  static summary = 'Show one file'
  static examples = [
    '<%= config.bin %> files get file_01jh6x76wtemjr74t1fh0faj5t',
    '<%= config.bin %> files get ID --json',
  ]

  static args = {
    id: Args.string({description: 'file id', required: true}),
  }

  async run() {
    const client = await this.client()
    const file = (await client.files.info(this.args.id, {signal: this.signal})) as unknown as GroqFile
    return object(file, FILE_FIELDS)
  }
}
