import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {assertKnownSetting, profileName, updateConfig} from '../../lib/core/config.js'
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
    await updateConfig(this.io.env, (file) => {
      const saved = file.profiles[profileName(this.flags.profile, this.io.env, file)]
      if (!saved || typeof saved !== 'object' || !(this.args.key in saved)) return false
      delete saved[this.args.key]
    })
  }
}
