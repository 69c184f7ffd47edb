import {Args} from '../lib/core/oclif.js'

import {BaseCommand} from '../lib/core/base-command.js'
import {UsageError} from '../lib/core/errors.js'
import {DEFAULT_CHAT_MODEL} from '../lib/chat/request.js'
import {LIMIT_COLUMNS, type ModelLimits, probeLimits} from '../lib/limits/limits.js'
import {list} from '../lib/output/types.js'

export default class Limits extends BaseCommand<typeof Limits> {
  static summary = 'Show your rate limits: requests and tokens left, and when they reset'
  static description = `Groq reports limits only with a model's answers, so each MODEL (default: config model.chat, then ${DEFAULT_CHAT_MODEL}) gets one chat completion of one token (a few tokens of your quota). Requests are counted per day, tokens per minute. --json prints {"object":"list","data":[{"model","requests":{"limit","remaining","reset"},"tokens":{…}}]}.`

  static examples = [
    '<%= config.bin %> limits',
    '<%= config.bin %> limits llama-3.1-8b-instant openai/gpt-oss-20b',
    "<%= config.bin %> limits --json | jq '.data[0].tokens.remaining'",
  ]

  static args = {
    model: Args.string({description: 'model id (repeatable)'}),
  }

  static strict = false

  async run() {
    const models =
      this.parsedArgv.length > 0 ? [...new Set(this.parsedArgv)] : [this.configuredModel('chat') ?? DEFAULT_CHAT_MODEL]
    if (models.some((model) => model.trim() === '')) throw new UsageError('MODEL must not be empty')
    const client = await this.client()
    const rows: ModelLimits[] = []
    for (const model of models) rows.push(await probeLimits(client, model, this.signal))
    return list({data: rows, object: 'list'}, rows, LIMIT_COLUMNS)
  }
}
