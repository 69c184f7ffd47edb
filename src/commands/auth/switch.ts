import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {loadConfig, saveConfig} from '../../lib/core/config.js'
import {CliError} from '../../lib/core/errors.js'
import {ExitCode} from '../../lib/core/exit-codes.js'
import {object} from '../../lib/output/types.js'

export default class AuthSwitch extends BaseCommand<typeof AuthSwitch> {
  static summary = 'Make a profile the default one'
  static description =
    'Commands then use it when neither --profile nor GROQ_PROFILE names one. The profile must exist (exit 4).'

  static examples = ['<%= config.bin %> auth switch work', '<%= config.bin %> auth switch default']

  static args = {
    profile: Args.string({description: 'profile name', required: true}),
  }

  async run() {
    const name = this.args.profile
    const config = loadConfig(this.io.env)
    const known = Object.keys(config.file.profiles)
    if (!known.includes(name)) {
      const listed = known.length > 0 ? ` (profiles: ${known.join(', ')})` : ''
      throw new CliError(`Profile "${name}" does not exist${listed}`, ExitCode.notFound)
    }
    config.file.default_profile = name
    await saveConfig(config)
    this.warnLine(`Switched to profile "${name}"`)
    if (this.io.env.GROQ_PROFILE)
      this.warnLine(`Note: GROQ_PROFILE=${this.io.env.GROQ_PROFILE} still wins while it is set`)
    if (this.outputFormat !== 'json') return
    return object({default_profile: name, path: config.path}, [])
  }
}
