import {Args} from '../../lib/oclif.js'

import {BaseCommand} from '../../lib/base-command.js'
import {parseSetting, saveConfig, SETTINGS} from '../../lib/config.js'

export default class ConfigUnset extends BaseCommand<typeof ConfigUnset> {
  static summary = 'Remove a setting from your profile'
  static examples = ['<%= config.bin %> config unset model.chat']

  static args = {
    key: Args.string({description: 'setting name', required: true}),
  }

  async run() {
    if (!SETTINGS[this.args.key]) parseSetting(this.args.key, '') // throws the unknown-setting usage error
    const {config, profile} = this.settings
    const saved = config.file.profiles[profile]
    if (saved && this.args.key in saved) {
      delete saved[this.args.key]
      await saveConfig(config)
    }
  }
}
