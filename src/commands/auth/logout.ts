import {BaseCommand} from '../../lib/core/base-command.js'
import {saveConfig} from '../../lib/core/config.js'
import {object} from '../../lib/output/types.js'

export default class AuthLogout extends BaseCommand<typeof AuthLogout> {
  static summary = 'Remove the saved API key from your profile'
  static examples = ['<%= config.bin %> auth logout', '<%= config.bin %> auth logout --profile work']

  async run() {
    const {config, profile} = this.settings
    const saved = config.file.profiles[profile]
    const removed = saved?.api_key !== undefined
    if (removed) {
      delete saved.api_key
      await saveConfig(config)
      this.warnLine(`Removed the key from profile "${profile}" in ${config.path}`)
    } else {
      this.warnLine(`No key saved in profile "${profile}"`)
    }
    if (this.io.env.GROQ_API_KEY) this.warnLine('Note: GROQ_API_KEY is still set in your environment and will be used')
    if (this.outputFormat !== 'json') return
    return object({path: config.path, profile, removed}, [])
  }
}
