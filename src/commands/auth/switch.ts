import {Args} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {updateConfig} from '../../lib/core/config.js'
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
    // Under the config lock (core/config.ts updateConfig), so a parallel `config set` is not lost.
    const config = await updateConfig(this.io.env, (file) => {
      const known = Object.keys(file.profiles)
      if (!known.includes(name)) {
        const listed = known.length > 0 ? ` (profiles: ${known.join(', ')})` : ''
        throw new CliError(`Profile "${name}" does not exist${listed}`, ExitCode.notFound)
      }
      file.default_profile = name
    })
    this.warnLine(`Switched to profile "${name}"`)
    if (this.io.env.GROQ_PROFILE)
      this.warnLine(`Note: GROQ_PROFILE=${this.io.env.GROQ_PROFILE} still wins while it is set`)
    if (!this.printsJson()) return
    return object({default_profile: name, path: config.path}, [])
  }
}
