import {Args, Flags} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {ConversationStore} from '../../lib/chat/conversations.js'
import {text} from '../../lib/output/types.js'
import {confirmDestructive} from '../../lib/core/prompts.js'

export default class ConversationsRm extends BaseCommand<typeof ConversationsRm> {
  static summary = 'Delete saved conversations'
  static description = [
    'Asks for confirmation on a TTY; elsewhere --yes is required. Prints the deleted ids, one a line.',
    'Every argument is resolved before anything is deleted, so one typo deletes nothing.',
    'Also removes a file that cannot be parsed.',
  ].join(' ')

  static hiddenAliases = ['conversations:delete']
  static examples = [
    '<%= config.bin %> conversations rm mbx3k2a1-9fq2',
    '<%= config.bin %> conversations rm old-chat another-chat --yes',
  ]

  static args = {
    conversation: Args.string({
      description: 'conversation id, id prefix or name (several may be given)',
      required: true,
    }),
  }

  static flags = {
    yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation'}),
  }

  static strict = false

  async run() {
    const store = ConversationStore.fromEnv(this.io.env)
    const ids: string[] = []
    // oclif has no variadic arguments: with strict off, the extra ones are in the parsed argv.
    for (const argument of this.parsedArgv) {
      const id = await store.resolve(argument)
      if (!ids.includes(id)) ids.push(id)
    }
    const what = ids.length === 1 ? `conversation ${ids[0]}` : `${ids.length} conversations (${ids.join(', ')})`
    await confirmDestructive(this.io, {action: `delete ${what}`, noInput: !this.flags.input, yes: this.flags.yes})
    for (const id of ids) await store.remove(id)
    return text(
      ids.map((id) => ({deleted: true, id, object: 'conversation'})),
      ids.join('\n'),
    )
  }
}
