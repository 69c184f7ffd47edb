import {Args, Flags} from '../../lib/core/oclif.js'

import {prepareUploads, uploadFile} from '../../lib/batches/upload.js'
import {BaseCommand} from '../../lib/core/base-command.js'
import {DEFAULT_MAX_FILE_SIZE, numberSetting} from '../../lib/core/config.js'
import type {GroqFile} from '../../lib/output/columns/files.js'
import {text} from '../../lib/output/types.js'

export default class FilesUpload extends BaseCommand<typeof FilesUpload> {
  static summary = 'Upload files (a batch .jsonl is checked line by line first)'
  static description =
    'Prints the id of each file (--json: the File object). A .jsonl for purpose batch is validated first: every ' +
    'line JSON, a unique custom_id, method POST, a url the Batch API accepts, a body with a model (and messages for ' +
    'chat); the first 20 problems are printed as FILE:LINE and nothing is sent. Files over files.max_size (default ' +
    '100MB) are refused before upload.'
  static examples = [
    '<%= config.bin %> files upload requests.jsonl',
    '<%= config.bin %> files upload requests.jsonl --json | jq -r .id',
    '<%= config.bin %> files upload big.jsonl --no-validate',
  ]

  static strict = false
  static args = {
    path: Args.string({description: 'file to upload (several may be given)', required: true}),
  }

  static flags = {
    purpose: Flags.string({default: 'batch', description: 'what the file is for', options: ['batch']}),
    validate: Flags.boolean({allowNo: true, default: true, description: 'check a batch .jsonl before sending it'}),
  }

  async run() {
    const paths = this.parsedArgv
    const {purpose, validate} = this.flags
    await prepareUploads(paths, {
      maxSize: numberSetting(this.settings, 'files.max_size', DEFAULT_MAX_FILE_SIZE),
      purpose,
      validate,
    })
    const client = await this.client()
    const uploaded: GroqFile[] = []
    for (const path of paths) {
      uploaded.push(
        await uploadFile(client, path, {purpose, signal: this.signal, timeoutMs: this.settings.timeoutMs, ux: this.ux}),
      )
    }
    const ids = uploaded.map((file) => file.id).join('\n')
    return uploaded.length === 1 ? text(uploaded[0], ids) : text({data: uploaded, object: 'list'}, ids)
  }
}
