import {Flags} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {limitFlag, type ListPage, listing} from '../../lib/core/listing.js'
import {BATCH_COLUMNS, type GroqBatch} from '../../lib/output/columns/batches.js'

const STATUSES = [
  'validating',
  'failed',
  'in_progress',
  'finalizing',
  'completed',
  'expired',
  'cancelling',
  'cancelled',
]

export default class BatchesList extends BaseCommand<typeof BatchesList> {
  static summary = 'List batches'
  static description = 'Newest first. --json prints the API response (narrowed by --status and --limit).'
  static examples = [
    '<%= config.bin %> batches list',
    '<%= config.bin %> batches list --status in_progress | cut -f1',
    "<%= config.bin %> batches list --json | jq -r '.data[].id'",
  ]

  static flags = {
    limit: limitFlag(),
    status: Flags.string({description: 'only batches in this status', options: STATUSES}),
  }

  async run() {
    const client = await this.client()
    const page = (await this.ux.whileWaiting('Listing batches', () =>
      client.get('/openai/v1/batches', {signal: this.signal}),
    )) as ListPage<GroqBatch>
    const {limit, status} = this.flags
    return listing(page, {
      columns: BATCH_COLUMNS,
      filters: [status !== undefined && ((batch) => batch.status === status)],
      limit,
      sort: (a, b) => (b.created_at ?? 0) - (a.created_at ?? 0),
    })
  }
}
