import {BaseCommand} from '../../lib/core/base-command.js'
import {AuthError} from '../../lib/core/errors.js'
import {MISSING_KEY_MESSAGE} from '../../lib/http/client.js'
import {text} from '../../lib/output/types.js'

export default class AuthToken extends BaseCommand<typeof AuthToken> {
  static summary = 'Print the API key in use, for scripts'
  static description =
    'The key --api-key, GROQ_API_KEY or the active profile gives, in full, on stdout (as `gh auth token`). Exit 3 when there is none.'

  static examples = ['GROQ_API_KEY=$(<%= config.bin %> auth token --profile work) ./script.sh']

  async run() {
    const {apiKey, profile} = this.settings
    if (!apiKey) throw new AuthError(MISSING_KEY_MESSAGE)
    return text({api_key: apiKey.value, profile, source: apiKey.source}, apiKey.value)
  }
}
