import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {assertKnownSetting, profileName, updateConfig} from '../../lib/core/config.js'

export default class ConfigUnset extends BaseCommand<typeof ConfigUnset> {
  static summary = 'Remove a setting from your profile'
  static examples = ['<%= config.bin %> config unset model.chat']

  static args = {
    key: Args.string({description: 'setting name', required: true}),
  }

  async run() {
    assertKnownSetting(this.args.key)
    const profile = profileName(this.flags.profile, this.io.env)
    await updateConfig(this.io.env, (file) => {
      const saved = file.profiles[profile]
      if (!saved || typeof saved !== 'object' || !(this.args.key in saved)) return false
      delete saved[this.args.key]
    })
  }
}
