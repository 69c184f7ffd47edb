import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {assertKnownSetting, profileName, updateConfig} from '../../lib/core/config.js'
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
    // Under the config lock, on the file as it is now (core/config.ts updateConfig), as config set.
    let profile = ''
    let removed = false
    await updateConfig(this.io.env, (file) => {
      profile = profileName(this.flags.profile, this.io.env, file)
      const saved = file.profiles[profile]
      removed = Boolean(saved && typeof saved === 'object' && key in saved)
      if (!removed) return false
      delete saved[key]
    })
    // Nothing on stdout unless asked, as config set.
    if (!this.printsJson()) return
    return object<UnsetResult>({key, profile, removed}, [])
  }
}
