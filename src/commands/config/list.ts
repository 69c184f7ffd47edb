import {BaseCommand} from '../../lib/core/base-command.js'
import {maskKey, readProfile} from '../../lib/core/config.js'
import {redactURL} from '../../lib/core/errors.js'
import {list} from '../../lib/output/types.js'

interface SettingRow {
  key: string
  value: unknown
}

export default class ConfigList extends BaseCommand<typeof ConfigList> {
  static summary = 'List the settings of your profile'
  static description = 'The API key is shown masked. --json prints the profile as an object.'
  static examples = ['<%= config.bin %> config list', '<%= config.bin %> config list --profile ci --json']

  async run() {
    // As saved, unparsed: a bad value must stay visible to be fixed.
    const {profileData} = readProfile(this.flags.profile, this.io.env)
    // Never print a key in full, not even in JSON; nor a password in a URL.
    const shown = Object.fromEntries(
      Object.entries(profileData).map(([key, value]) => [
        key,
        key === 'api_key' && typeof value === 'string'
          ? maskKey(value)
          : typeof value === 'string'
            ? redactURL(value)
            : value,
      ]),
    )
    const rows: SettingRow[] = Object.entries(shown)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({key, value}))
    return list(shown, rows, [
      {header: 'key', value: (row: SettingRow) => row.key},
      {header: 'value', value: (row: SettingRow) => row.value},
    ])
  }
}
