import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {assertKnownSetting, readProfile, SETTINGS} from '../../lib/core/config.js'
import {CliError} from '../../lib/core/errors.js'
import {ExitCode} from '../../lib/core/exit-codes.js'
import {isStdoutTTY} from '../../lib/core/io.js'
import {effectiveSetting} from '../../lib/core/setting-sources.js'
import {text} from '../../lib/output/types.js'

export default class ConfigGet extends BaseCommand<typeof ConfigGet> {
  static summary = 'Print the value a setting has, and where it comes from'
  static description = [
    'The effective value: a flag, else the environment, else the profile, else the default. On a terminal (and in',
    '--json) it says which; piped, it prints the value alone. Exits 4 when nothing sets it and it has no default.',
    `Settings: api_key (masked; set it with groq auth login), ${Object.keys(SETTINGS).join(', ')}.`,
  ].join(' ')

  static examples = [
    '<%= config.bin %> config get model.chat',
    '<%= config.bin %> config get timeout --profile ci',
    '<%= config.bin %> config get base_url --json',
  ]

  static args = {
    key: Args.string({description: 'setting name', required: true}),
  }

  async run() {
    const {key} = this.args
    if (key !== 'api_key') assertKnownSetting(key)
    // As saved, unparsed: a bad value must stay visible to be fixed.
    const {profile, profileData} = readProfile(this.flags.profile, this.io.env)
    const setting = effectiveSetting(key, {env: this.io.env, flags: this.flags, profile: profileData})
    if (setting.value === undefined) {
      const hint = key === 'api_key' ? ': groq auth login' : ''
      throw new CliError(`${key} is not set in profile "${profile}"${hint}`, ExitCode.notFound)
    }
    const from = setting.source === 'profile' ? `profile "${profile}"` : setting.source
    const line = isStdoutTTY(this.io) ? `${setting.value} (${from})` : String(setting.value)
    return text({key, profile, source: setting.source, value: setting.value}, line)
  }
}
