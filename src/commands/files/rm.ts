import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {yesFlag} from '../../lib/core/flags.js'
import {confirmDestructive} from '../../lib/core/prompts.js'
import {text} from '../../lib/output/types.js'

export default class FilesRm extends BaseCommand<typeof FilesRm> {
  static summary = 'Delete files'
  static description =
    'Every id is looked up first: an unknown id stops the command before anything is deleted (exit 4). Asks on a ' +
    'TTY; elsewhere --yes is required. Prints each deleted id (--json: the API answers).'
  static hiddenAliases = ['files:delete']
  static examples = ['<%= config.bin %> files rm file_abc file_def', '<%= config.bin %> files rm file_abc --yes']

  static strict = false
  static args = {
    id: Args.string({description: 'file id (several may be given)', required: true}),
  }

  static flags = {
    yes: yesFlag(),
  }

  async run() {
    const ids = [...new Set(this.parsedArgv)]
    const client = await this.client()
    for (const id of ids) await client.files.info(id, {signal: this.signal})
    await confirmDestructive(this.io, {
      action: ids.length === 1 ? `delete file ${ids[0]}` : `delete ${ids.length} files (${ids.join(', ')})`,
      noInput: !this.flags.input,
      yes: this.flags.yes,
    })
    const deleted: unknown[] = []
    for (const id of ids) {
      deleted.push(await client.files.delete(id, {signal: this.signal}))
      this.ux.status(`Deleted ${id}`)
    }
    return text(deleted.length === 1 ? deleted[0] : deleted, ids.join('\n'))
  }
}
