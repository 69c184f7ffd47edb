import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {forceFlag, outFlag} from '../../lib/core/flags.js'
import {DOWNLOAD, resolveSink, saveResponse} from '../../lib/transfer/index.js'

export default class FilesDownload extends BaseCommand<typeof FilesDownload> {
  static summary = "Download a file's content"
  static description =
    'To -O PATH (written to a temp file and renamed when complete; an existing file is kept unless --force), or to ' +
    'stdout with -O - or when stdout is not a terminal. Binary content is never written to a terminal.'
  static examples = [
    '<%= config.bin %> files download file_abc -O results.jsonl',
    '<%= config.bin %> files download file_abc | jq .response.body',
  ]

  static args = {
    id: Args.string({description: 'file id', required: true}),
  }

  static flags = {
    force: forceFlag(),
    out: outFlag(),
  }

  async run() {
    this.refuseJq("files download writes the file's content as it is; pipe it to jq (groq files download ID | jq …)")
    const sink = await resolveSink({force: this.flags.force, io: this.io, out: this.flags.out})
    const client = await this.client()
    const response = (await client.files.content(this.args.id, {
      ...DOWNLOAD,
      signal: this.signal,
    })) as unknown as Parameters<typeof saveResponse>[0]
    const saved = await saveResponse(response, sink, {
      idleTimeoutMs: this.settings.timeoutMs,
      io: this.io,
      progress: {label: this.args.id, ux: this.ux},
      signal: this.signal,
    })
    if (saved.path) this.warnLine(`Saved ${saved.path} (${saved.bytes} bytes)`)
  }
}
