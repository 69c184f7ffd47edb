import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {parseSetting, profileName, SETTINGS, updateConfig} from '../../lib/core/config.js'
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
    // Under the config lock, on the file as it is now (core/config.ts updateConfig): parallel runs lose nothing.
    let profile = ''
    let created = false
    const config = await updateConfig(this.io.env, (file) => {
      profile = profileName(this.flags.profile, this.io.env, file)
      created = !(profile in file.profiles)
      file.profiles[profile] = {...file.profiles[profile], [key]: value}
    })
    if (created) this.warnLine(`Created profile "${profile}" in ${config.path}`)
    // Nothing on stdout unless asked: `config set` is quiet on success, like git config.
    if (!this.printsJson()) return
    return object<SetResult>({created_profile: created, key, profile, value}, [])
  }
}
