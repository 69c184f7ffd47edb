import {Args, Flags} from '../../lib/core/oclif.js'

import {assertCompleted, waitForBatches} from '../../lib/batches/lifecycle.js'
import {BaseCommand} from '../../lib/core/base-command.js'
import {parseDuration} from '../../lib/core/duration.js'
import {BATCH_COLUMNS, BATCH_FIELDS} from '../../lib/output/columns/batches.js'
import {list, object} from '../../lib/output/types.js'

export default class BatchesWait extends BaseCommand<typeof BatchesWait> {
  static summary = 'Wait for batches to finish'
  static description =
    'Polls until each batch is completed, failed, expired or cancelled, then prints the final Batch. Exit 0 when ' +
    'all completed, 1 when one failed, expired or was cancelled (with the reason), 6 on --timeout, 130 on Ctrl-C. ' +
    'On a timeout or Ctrl-C the batches keep running on Groq; the command to resume is printed.\n\n' +
    '--timeout bounds the whole wait: at that time polling stops, even in the middle of a poll. It is not the ' +
    'request timeout here: each poll request has the usual one (config timeout, default 60s), and a poll that ' +
    'times out, is rate limited (429, honouring Retry-After) or meets a server error is tried again at the next ' +
    'interval. The interval grows by half while nothing changes, up to a minute.'
  static examples = [
    '<%= config.bin %> batches wait batch_abc',
    '<%= config.bin %> batches wait batch_abc batch_def --timeout 2h',
    '<%= config.bin %> batches wait batch_abc --json | jq -r .output_file_id',
  ]

  static strict = false
  static args = {
    id: Args.string({description: 'batch id (several may be given)', required: true}),
  }

  static flags = {
    interval: Flags.string({default: '10s', description: 'first pause between polls (grows while nothing changes)'}),
    timeout: Flags.string({
      description:
        'bound the whole wait (exit 6 then; the batches keep running): 30m, 2h. Not the request timeout: each poll has the usual one (config timeout, default 60s)',
    }),
  }

  async run() {
    const intervalMs = parseDuration(this.flags.interval, '--interval')
    // This --timeout replaces the global one: it bounds the whole wait, and polls keep the configured request
    // timeout (BaseCommand leaves it out of the settings).
    const timeoutMs = this.flags.timeout === undefined ? undefined : parseDuration(this.flags.timeout, '--timeout')
    const client = await this.client()
    const ids = [...new Set(this.parsedArgv)]
    const batches = await waitForBatches(client, ids, {intervalMs, signal: this.signal, timeoutMs, ux: this.ux})
    const result =
      batches.length === 1
        ? object(batches[0], BATCH_FIELDS)
        : list({data: batches, object: 'list'}, batches, BATCH_COLUMNS)
    await this.print(result)
    assertCompleted(batches)
  }
}
