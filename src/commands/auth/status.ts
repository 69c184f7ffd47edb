import {verifyKey} from '../../lib/core/auth.js'
import {BaseCommand} from '../../lib/core/base-command.js'
import {maskKey} from '../../lib/core/config.js'
import {AuthError, describeError, redactURL} from '../../lib/core/errors.js'
import {ExitCode} from '../../lib/core/exit-codes.js'
import {MISSING_KEY_MESSAGE} from '../../lib/http/client.js'
import {object} from '../../lib/output/types.js'

interface ProfileRow {
  active: boolean
  key?: string
  name: string
}

interface KeyStatus {
  base_url: string
  error?: string
  key: string
  key_source: string
  profile: string
  /** Every profile in the config file, with its masked key; the active one marked. */
  profiles: ProfileRow[]
  valid: boolean | null
}

const SOURCES = {env: 'GROQ_API_KEY', flag: '--api-key', profile: 'config file'} as const

export default class AuthStatus extends BaseCommand<typeof AuthStatus> {
  static summary = 'Show every profile, where the API key comes from, and whether it works'
  static description =
    'Exit code 0 when the key works, 3 when there is none or the API rejects it, 6 when the API cannot be reached.'
  static examples = ['<%= config.bin %> auth status', '<%= config.bin %> auth status --json']

  async run() {
    const {apiKey, baseURL, config, profile} = this.settings
    const profiles: ProfileRow[] = Object.entries(config.file.profiles).map(([name, data]) => ({
      active: name === profile,
      key: typeof data.api_key === 'string' ? maskKey(data.api_key) : undefined,
      name,
    }))
    if (!apiKey) {
      for (const row of profiles)
        this.io.stderr.write(`${row.active ? '*' : ' '} ${row.name}\t${row.key ?? '(no key)'}\n`)
      throw new AuthError(MISSING_KEY_MESSAGE)
    }
    const status: KeyStatus = {
      base_url: redactURL(baseURL?.value ?? 'https://api.groq.com'),
      key: maskKey(apiKey.value),
      key_source: apiKey.source === 'profile' ? `${SOURCES.profile} (${config.path})` : SOURCES[apiKey.source],
      profile,
      profiles,
      valid: null,
    }
    try {
      await verifyKey(this.settings, apiKey.value, {...this.clientOptions(), signal: this.signal})
      status.valid = true
    } catch (error) {
      const described = describeError(error, {baseURL: status.base_url})
      if (described.exitCode === ExitCode.interrupted) throw error
      status.valid = described.exitCode === ExitCode.auth ? false : null
      status.error = described.message
      process.exitCode = described.exitCode
    }
    return object(status, [
      {header: 'profile', value: (s: KeyStatus) => s.profile},
      {header: 'key', value: (s: KeyStatus) => s.key},
      {header: 'key source', value: (s: KeyStatus) => s.key_source},
      {header: 'base url', value: (s: KeyStatus) => s.base_url},
      {header: 'valid', value: (s: KeyStatus) => (s.valid === null ? 'unknown' : s.valid)},
      {header: 'error', value: (s: KeyStatus) => s.error},
      {
        header: 'profiles',
        value: (s: KeyStatus) =>
          s.profiles.length === 0
            ? undefined
            : s.profiles.map((row) => `${row.active ? '*' : ''}${row.name} (${row.key ?? 'no key'})`).join(', '),
      },
    ])
  }
}
