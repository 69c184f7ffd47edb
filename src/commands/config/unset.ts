import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {assertKnownSetting, saveConfig} from '../../lib/core/config.js'
import {UsageError} from '../../lib/core/errors.js'
import {object} from '../../lib/output/types.js'

interface UnsetResult {
  key: string
  profile: string
  /** False when the profile did not have the setting (nothing changed). */
  removed: boolean
}

export default class ConfigUnset extends BaseCommand<typeof ConfigUnset> {
  static summary = 'Remove a setting from your profile'
  static description = '--json prints what was removed.'
  static examples = ['<%= config.bin %> config unset model.chat']

  static args = {
    key: Args.string({description: 'setting name', required: true}),
  }

  async run() {
    const {key} = this.args
    if (key === 'api_key') throw new UsageError('api_key is removed with groq auth logout')
    assertKnownSetting(key)
    const {config, profile} = this.settings
    const saved = config.file.profiles[profile]
    const removed = Boolean(saved && key in saved)
    if (saved && removed) {
      delete saved[key]
      await saveConfig(config)
    }
    // Nothing on stdout unless asked, as config set.
    if (this.outputFormat !== 'json') return
    return object<UnsetResult>({key, profile, removed}, [])
  }
}
