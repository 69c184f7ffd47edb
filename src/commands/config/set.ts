import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {parseSetting, saveConfig, SETTINGS} from '../../lib/core/config.js'
import {UsageError} from '../../lib/core/errors.js'
import {object} from '../../lib/output/types.js'

interface SetResult {
  created_profile: boolean
  key: string
  profile: string
  value: unknown
}

export default class ConfigSet extends BaseCommand<typeof ConfigSet> {
  static summary = 'Set a setting in your profile'
  static description = `Settings: ${Object.keys(SETTINGS).join(', ')}. The API key is set with \`groq auth login\`. A profile that does not exist yet is created. --json prints what was set.`
  static createsProfile = true
  static examples = [
    '<%= config.bin %> config set model.chat llama-3.1-8b-instant',
    '<%= config.bin %> config set timeout 2m',
    '<%= config.bin %> config set output json --profile ci',
  ]

  static args = {
    key: Args.string({description: 'setting name', required: true}),
    value: Args.string({description: 'value', required: true}),
  }

  async run() {
    const {key} = this.args
    if (key === 'api_key')
      throw new UsageError('api_key is set with groq auth login (it checks the key and never echoes it)')
    const value = parseSetting(key, this.args.value)
    const {config, profile} = this.settings
    const created = !(profile in config.file.profiles)
    config.file.profiles[profile] = {...config.file.profiles[profile], [key]: value}
    await saveConfig(config)
    if (created) this.warnLine(`Created profile "${profile}" in ${config.path}`)
    // Nothing on stdout unless asked: `config set` is quiet on success, like git config.
    if (this.outputFormat !== 'json') return
    return object<SetResult>({created_profile: created, key, profile, value}, [])
  }
}
