import {Flags} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {byKey, limitFlag, type ListPage, listing} from '../../lib/core/listing.js'
import {FILE_COLUMNS, type GroqFile} from '../../lib/output/columns/files.js'

export default class FilesList extends BaseCommand<typeof FilesList> {
  static summary = 'List uploaded files'
  static description = 'Newest first. --json prints the API response (narrowed by --purpose and --limit).'
  static examples = [
    '<%= config.bin %> files list',
    '<%= config.bin %> files list --purpose batch_output | cut -f1',
    "<%= config.bin %> files list --json | jq -r '.data[].id'",
  ]

  static flags = {
    limit: limitFlag(),
    purpose: Flags.string({description: 'only files with this purpose (batch, batch_output)'}),
  }

  async run() {
    const client = await this.client()
    const page = (await this.ux.whileWaiting('Listing files', () =>
      client.get('/openai/v1/files', {signal: this.signal}),
    )) as ListPage<GroqFile>
    const {limit, purpose} = this.flags
    return listing(page, {
      columns: FILE_COLUMNS,
      filters: [purpose !== undefined && ((file) => file.purpose === purpose)],
      limit,
      sort: (a, b) => (b.created_at ?? 0) - (a.created_at ?? 0) || byKey<GroqFile>((file) => file.id)(a, b),
    })
  }
}
