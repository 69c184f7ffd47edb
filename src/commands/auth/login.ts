import {Flags} from '../../lib/core/oclif.js'

import {verifyKey} from '../../lib/core/auth.js'
import {BaseCommand} from '../../lib/core/base-command.js'
import {maskKey, updateConfig} from '../../lib/core/config.js'
import {UsageError} from '../../lib/core/errors.js'
import {readStdin} from '../../lib/core/io.js'
import {promptSecret} from '../../lib/core/prompts.js'
import {object} from '../../lib/output/types.js'

export default class AuthLogin extends BaseCommand<typeof AuthLogin> {
  static summary = 'Save an API key to your profile'
  static description =
    'Asks for the key (masked), or reads it from stdin with --with-token. The key is checked with a models call before it is saved to the config file (mode 0600).'
  static examples = [
    '<%= config.bin %> auth login',
    'echo "$GROQ_API_KEY" | <%= config.bin %> auth login --with-token',
    '<%= config.bin %> auth login --profile work',
  ]

  static createsProfile = true

  static flags = {
    verify: Flags.boolean({allowNo: true, default: true, description: 'check the key against the API before saving'}),
    'with-token': Flags.boolean({description: 'read the key from stdin (for CI and scripts)'}),
  }

  async run() {
    const apiKey = await this.readKey()
    const {settings} = this
    if (this.flags.verify) await verifyKey(settings, apiKey, {...this.clientOptions(), signal: this.signal})
    const config = await updateConfig(this.io.env, (file) => {
      file.profiles[settings.profile] = {...file.profiles[settings.profile], api_key: apiKey}
    })
    this.warnLine(`Saved key ${maskKey(apiKey)} to profile "${settings.profile}" in ${config.path}`)
    if (this.outputFormat !== 'json') return
    const saved = {key: maskKey(apiKey), path: config.path, profile: settings.profile, verified: this.flags.verify}
    return object(saved, [])
  }

  private async readKey(): Promise<string> {
    let key: string
    if (this.flags['with-token']) key = await readStdin(this.io, {maxBytes: 64 * 1024, what: 'the key on stdin'})
    else if (this.canPrompt) key = await promptSecret(this.io, 'Groq API key (from https://console.groq.com/keys):')
    else throw new UsageError('Cannot prompt for a key here (no TTY, --no-input or CI): pipe it in with --with-token')
    key = key.trim()
    if (!key) throw new UsageError('The API key is empty')
    if (/\s/.test(key)) throw new UsageError('The API key must be a single word without spaces')
    return key
  }
}
