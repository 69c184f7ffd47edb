import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {type SearchHit, searchConversations} from '../../lib/chat/conversation-search.js'
import {ConversationStore} from '../../lib/chat/conversations.js'
import {type Column, list} from '../../lib/output/types.js'

const COLUMNS: Column<SearchHit>[] = [
  {header: 'id', value: (hit) => hit.id},
  {header: 'title', truncate: 40, value: (hit) => hit.title},
  {header: 'updated', humanize: 'date', value: (hit) => hit.updated_at},
  {header: 'matches', humanize: 'number', value: (hit) => hit.matches.length},
  {header: 'snippet', value: (hit) => hit.matches[0].snippet},
]

export default class ConversationsSearch extends BaseCommand<typeof ConversationsSearch> {
  static summary = 'Find saved conversations by what was said in them'
  static description = [
    'Every conversation with a message containing TEXT, ignoring case (plain text, not a pattern), most recently',
    'updated first: its id, title, when it was last updated (UTC in the table, ISO 8601 piped), how many messages',
    'match, and the first one around the match. --json prints the summaries `conversations list --json` prints, each',
    'with `matches`: every matching message as its index, role and snippet.',
    'When nothing matches, nothing is printed on stdout and the exit code is 0 (a note goes to stderr).',
  ].join(' ')

  static examples = [
    '<%= config.bin %> conversations search "rate limit"',
    '<%= config.bin %> conversations search kubernetes | cut -f1',
    "<%= config.bin %> conversations search docker --json | jq -r '.[].matches[].snippet'",
  ]

  static args = {
    text: Args.string({description: 'the text to look for (quote several words)', required: true}),
  }

  async run() {
    const store = ConversationStore.fromEnv(this.io.env)
    const {hits, warnings} = await searchConversations(store, this.args.text)
    for (const warning of warnings) this.warnLine(`Warning: ${warning}`)
    if (hits.length === 0) this.warnLine(`No saved conversation contains "${this.args.text}"`)
    return list(hits, hits, COLUMNS)
  }
}
