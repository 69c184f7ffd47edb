import {BaseCommand} from '../../lib/core/base-command.js'
import {type ConversationSummary, ConversationStore} from '../../lib/chat/conversations.js'
import {type Column, list} from '../../lib/output/types.js'

const COLUMNS: Column<ConversationSummary>[] = [
  {header: 'id', value: (item) => item.id},
  {header: 'title', truncate: 40, value: (item) => item.title},
  {header: 'model', value: (item) => item.model},
  {header: 'messages', humanize: 'number', value: (item) => item.messages},
  {header: 'updated', humanize: 'date', value: (item) => item.updated_at},
]

export default class ConversationsList extends BaseCommand<typeof ConversationsList> {
  static summary = 'List saved chat conversations'
  static description = [
    'Most recently updated first, from $XDG_DATA_HOME/groq/conversations. The title is the name, else the start of',
    'the first user message; the table shows dates in UTC, while piped rows and --json keep ISO 8601 times.',
    '--json prints an array of summaries (id, name, title, model, messages as a count, created_at, updated_at,',
    'usage), not the transcripts: `conversations show ID --json` prints one whole conversation.',
    'A file that cannot be read is skipped with a warning on stderr. `conversations search TEXT` finds',
    'conversations by what was said in them.',
  ].join(' ')

  static examples = [
    '<%= config.bin %> conversations list',
    '<%= config.bin %> conversations list | cut -f1',
    '<%= config.bin %> conversations list --json | jq -r \'.[] | select(.model | test("llama")) | .id\'',
  ]

  async run() {
    const store = ConversationStore.fromEnv(this.io.env)
    const {conversations, warnings} = await store.list()
    for (const warning of warnings) this.warnLine(`Warning: ${warning}`)
    if (conversations.length === 0 && warnings.length === 0) this.warnLine(`No saved conversations in ${store.dir}`)
    return list(conversations, conversations, COLUMNS)
  }
}
