import {BaseCommand} from '../../lib/core/base-command.js'
import {profileName, updateConfig} from '../../lib/core/config.js'
import {object} from '../../lib/output/types.js'

export default class AuthLogout extends BaseCommand<typeof AuthLogout> {
  static summary = 'Remove the saved API key from your profile'
  static examples = ['<%= config.bin %> auth logout', '<%= config.bin %> auth logout --profile work']

  async run() {
    let profile = ''
    let removed = false
    const config = await updateConfig(this.io.env, (file) => {
      profile = profileName(this.flags.profile, this.io.env, file)
      const saved = file.profiles[profile]
      if (!saved || typeof saved !== 'object' || saved.api_key === undefined) return false
      delete saved.api_key
      removed = true
    })
    if (removed) this.warnLine(`Removed the key from profile "${profile}" in ${config.path}`)
    else this.warnLine(`No key saved in profile "${profile}"`)
    if (this.io.env.GROQ_API_KEY) this.warnLine('Note: GROQ_API_KEY is still set in your environment and will be used')
    if (!this.printsJson()) return
    return object({path: config.path, profile, removed}, [])
  }
}
