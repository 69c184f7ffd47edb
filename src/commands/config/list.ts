import {BaseCommand} from '../../lib/core/base-command.js'
import {maskKey} from '../../lib/core/config.js'
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
    const {profileData} = this.settings
    // Never print a key in full, not even in JSON.
    const shown = Object.fromEntries(
      Object.entries(profileData).map(([key, value]) => [
        key,
        key === 'api_key' && typeof value === 'string' ? maskKey(value) : value,
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
