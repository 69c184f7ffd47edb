import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {assertKnownSetting, saveConfig} from '../../lib/core/config.js'
import {UsageError} from '../../lib/core/errors.js'

export default class ConfigUnset extends BaseCommand<typeof ConfigUnset> {
  static summary = 'Remove a setting from your profile'
  static examples = ['<%= config.bin %> config unset model.chat']

  static args = {
    key: Args.string({description: 'setting name', required: true}),
  }

  async run() {
    if (this.args.key === 'api_key') throw new UsageError('api_key is removed with groq auth logout')
    assertKnownSetting(this.args.key)
    const {config, profile} = this.settings
    const saved = config.file.profiles[profile]
    if (saved && this.args.key in saved) {
      delete saved[this.args.key]
      await saveConfig(config)
    }
  }
}
