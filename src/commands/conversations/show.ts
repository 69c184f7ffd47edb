import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {ConversationStore} from '../../lib/chat/conversations.js'
import {toTranscript} from '../../lib/chat/transcript.js'
import {text} from '../../lib/output/types.js'

export default class ConversationsShow extends BaseCommand<typeof ConversationsShow> {
  static summary = 'Print a saved conversation'
  static description = [
    'Prints the transcript: a [role] header line before each message.',
    '--json prints the conversation as it is stored (messages, model, params, timestamps, usage).',
    'ID|NAME is an id, a name, or a unique prefix of an id.',
  ].join(' ')

  static examples = [
    '<%= config.bin %> conversations show mbx3k2a1-9fq2',
    '<%= config.bin %> conversations show my-project',
    "<%= config.bin %> conversations show mbx3 --json | jq -r '.messages[-1].content'",
  ]

  static args = {
    conversation: Args.string({description: 'conversation id, id prefix or name', required: true}),
  }

  async run() {
    const conversation = await ConversationStore.fromEnv(this.io.env).load(this.args.conversation)
    const bold = (value: string) => (this.color ? `\u001B[1m${value}\u001B[22m` : value)
    return text(conversation, toTranscript(conversation, bold))
  }
}
