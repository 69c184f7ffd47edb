import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {assertKnownSetting, readProfile, SETTINGS} from '../../lib/core/config.js'
import {CliError} from '../../lib/core/errors.js'
import {ExitCode} from '../../lib/core/exit-codes.js'
import {text} from '../../lib/output/types.js'

export default class ConfigGet extends BaseCommand<typeof ConfigGet> {
  static summary = 'Print one setting from your profile'
  static description = `Exits 4 when the setting is not set. Settings: ${Object.keys(SETTINGS).join(', ')}.`
  static examples = ['<%= config.bin %> config get model.chat', '<%= config.bin %> config get timeout --profile ci']

  static args = {
    key: Args.string({description: 'setting name', required: true}),
  }

  async run() {
    assertKnownSetting(this.args.key)
    // As saved, unparsed: a bad value must stay visible to be fixed.
    const {profile, profileData} = readProfile(this.flags.profile, this.io.env)
    const value = profileData[this.args.key]
    if (value === undefined)
      throw new CliError(`${this.args.key} is not set in profile "${profile}"`, ExitCode.notFound)
    return text(value, String(value))
  }
}
