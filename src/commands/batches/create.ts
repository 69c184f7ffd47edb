import {Flags} from '../../lib/core/oclif.js'

import {checkCompletionWindow, parseMetadata} from '../../lib/batches/lifecycle.js'
import {prepareUploads, uploadFile} from '../../lib/batches/upload.js'
import {BaseCommand} from '../../lib/core/base-command.js'
import {DEFAULT_MAX_FILE_SIZE, numberSetting} from '../../lib/core/config.js'
import type {GroqBatch} from '../../lib/output/columns/batches.js'
import {text} from '../../lib/output/types.js'

export default class BatchesCreate extends BaseCommand<typeof BatchesCreate> {
  static summary = 'Create a batch from an uploaded file or a local .jsonl'
  static description =
    'With --file the requests are validated line by line and uploaded first. Prints the batch id (--json: the ' +
    'Batch object).'
  static examples = [
    '<%= config.bin %> batches create --file requests.jsonl',
    '<%= config.bin %> batches create --input-file-id file_abc --completion-window 48h --metadata job=nightly',
  ]

  static flags = {
    'completion-window': Flags.string({default: '24h', description: 'from 24h to 7d'}),
    endpoint: Flags.string({default: '/v1/chat/completions', description: 'the endpoint every request calls'}),
    file: Flags.string({
      description: 'a local .jsonl of requests (validated, then uploaded)',
      exactlyOne: ['file', 'input-file-id'],
    }),
    'input-file-id': Flags.string({
      description: 'an uploaded file (purpose batch)',
      exactlyOne: ['file', 'input-file-id'],
    }),
    metadata: Flags.string({description: 'key=value to attach (repeatable)', multiple: true}),
    validate: Flags.boolean({allowNo: true, default: true, description: 'check --file before uploading it'}),
  }

  async run() {
    const window = checkCompletionWindow(this.flags['completion-window'])
    const metadata = parseMetadata(this.flags.metadata)
    const {file} = this.flags
    if (file) {
      await prepareUploads([file], {
        maxSize: numberSetting(this.settings, 'files.max_size', DEFAULT_MAX_FILE_SIZE),
        purpose: 'batch',
        validate: this.flags.validate,
      })
    }
    const client = await this.client()
    const inputFileId = file
      ? (
          await uploadFile(client, file, {
            purpose: 'batch',
            signal: this.signal,
            timeoutMs: this.settings.timeoutMs,
            ux: this.ux,
          })
        ).id
      : this.flags['input-file-id']!
    const batch = (await client.batches.create(
      {
        completion_window: window,
        endpoint: this.flags.endpoint as '/v1/chat/completions',
        input_file_id: inputFileId,
        ...(metadata ? {metadata} : {}),
      },
      {signal: this.signal},
    )) as unknown as GroqBatch
    return text(batch, batch.id)
  }
}
