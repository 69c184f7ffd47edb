import {Args, Flags} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {ConversationStore, summarize} from '../../lib/chat/conversations.js'
import {UsageError} from '../../lib/core/errors.js'
import {text} from '../../lib/output/types.js'

export default class ConversationsRename extends BaseCommand<typeof ConversationsRename> {
  static summary = 'Name a saved conversation (or remove its name)'
  static description = [
    'Names are unique: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    'A name can then be used wherever an id is taken (`groq chat --conversation NAME`). Prints the id.',
  ].join(' ')

  static examples = [
    '<%= config.bin %> conversations rename mbx3k2a1-9fq2 trip-planning',
    '<%= config.bin %> conversations rename trip-planning --clear',
  ]

  static args = {
    conversation: Args.string({description: 'conversation id, id prefix or name', required: true}),
    name: Args.string({description: 'the new name'}),
  }

  static flags = {
    clear: Flags.boolean({description: 'remove the name'}),
  }

  async run() {
    const {name} = this.args
    if (Boolean(this.flags.clear) === (name !== undefined)) throw new UsageError('Give either a new NAME or --clear')
    const conversation = await ConversationStore.fromEnv(this.io.env).rename(this.args.conversation, name)
    return text(summarize(conversation), conversation.id)
  }
}
