import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {parseSetting, profileName, SETTINGS, updateConfig} from '../../lib/core/config.js'

export default class ConfigSet extends BaseCommand<typeof ConfigSet> {
  static summary = 'Set a setting in your profile'
  static description = `Settings: ${Object.keys(SETTINGS).join(', ')}. The API key is set with \`groq auth login\`.`
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
    const value = parseSetting(this.args.key, this.args.value)
    const profile = profileName(this.flags.profile, this.io.env)
    await updateConfig(this.io.env, (file) => {
      file.profiles[profile] = {...file.profiles[profile], [this.args.key]: value}
    })
  }
}
