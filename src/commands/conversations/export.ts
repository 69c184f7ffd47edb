import {Args, Flags} from '../../lib/core/oclif.js'
import {access} from 'node:fs/promises'

import {writeFileAtomic} from '../../lib/core/atomic-write.js'
import {BaseCommand} from '../../lib/core/base-command.js'
import {ConversationStore, serialize} from '../../lib/chat/conversations.js'
import {toMarkdown} from '../../lib/chat/transcript.js'
import {UsageError} from '../../lib/core/errors.js'

const FORMATS = ['json', 'markdown'] as const

export default class ConversationsExport extends BaseCommand<typeof ConversationsExport> {
  static summary = 'Export a saved conversation as JSON or Markdown'
  static description = [
    'Writes the document to stdout, or with -O to a file (atomically, mode 0600; an existing file only with --force).',
    'JSON is the stored conversation, pretty-printed. Without --format, a -O file ending in .md or .markdown gets',
    'Markdown and anything else JSON. The global -o/--json flags do not apply: the format is the document (--jq',
    'filters the JSON one).',
  ].join(' ')

  static examples = [
    '<%= config.bin %> conversations export my-project > my-project.json',
    '<%= config.bin %> conversations export mbx3k2a1-9fq2 --format markdown',
    '<%= config.bin %> conversations export my-project -O my-project.md',
  ]

  static args = {
    conversation: Args.string({description: 'conversation id, id prefix or name', required: true}),
  }

  static flags = {
    force: Flags.boolean({description: 'overwrite the -O file if it exists'}),
    format: Flags.string({
      description: 'json or markdown (default: json, or markdown for a .md -O file)',
      options: [...FORMATS],
    }),
    'output-file': Flags.string({char: 'O', description: 'write to this file instead of stdout'}),
  }

  async run() {
    const file = this.flags['output-file']
    const format = this.flags.format ?? (file && /\.(md|markdown)$/i.test(file) ? 'markdown' : 'json')
    if (file) this.refuseJq('prints to stdout; not with -O FILE (redirect stdout instead)')
    if (format === 'markdown') this.refuseJq('the Markdown document is not JSON (--format json is)')
    if (file && !this.flags.force && (await exists(file))) {
      throw new UsageError(`${file} already exists; pass --force to overwrite it`)
    }
    const conversation = await ConversationStore.fromEnv(this.io.env).load(this.args.conversation)
    const document = format === 'markdown' ? toMarkdown(conversation) : serialize(conversation)
    if (!file) {
      // JSON as every command prints it (--jq, coloured on a terminal); either document paged when long.
      if (format === 'json') await this.printJsonText(document)
      else await this.writeStdout(document)
      return
    }
    await writeFileAtomic(file, document, 0o600)
    this.warnLine(`Exported conversation ${conversation.id} to ${file}`)
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
