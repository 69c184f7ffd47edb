import {Flags} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {maskKey, readProfile} from '../../lib/core/config.js'
import {redactURL} from '../../lib/core/errors.js'
import {ALL_KEYS, effectiveSetting, type EffectiveSetting} from '../../lib/core/setting-sources.js'
import {list} from '../../lib/output/types.js'

interface SettingRow {
  key: string
  source?: string
  value: unknown
}

export default class ConfigList extends BaseCommand<typeof ConfigList> {
  static summary = 'List the settings of your profile'
  static description =
    'The API key is shown masked. --all lists every setting with its effective value and where it comes from (flag, env, profile, default). --json prints the profile as an object (with --all: the rows).'

  static examples = [
    '<%= config.bin %> config list',
    '<%= config.bin %> config list --all',
    '<%= config.bin %> config list --profile ci --json',
  ]

  static flags = {
    all: Flags.boolean({char: 'a', description: 'every setting, defaults included, with where each comes from'}),
  }

  async run() {
    // As saved, unparsed: a bad value must stay visible to be fixed.
    const {profileData} = readProfile(this.flags.profile, this.io.env)
    if (this.flags.all) {
      const rows: EffectiveSetting[] = ALL_KEYS.map((key) => {
        const row = effectiveSetting(key, {env: this.io.env, flags: this.flags, profile: profileData})
        return typeof row.value === 'string' ? {...row, value: redactURL(row.value)} : row
      })
      return list(rows, rows, [
        {header: 'key', value: (row: EffectiveSetting) => row.key},
        {header: 'value', value: (row: EffectiveSetting) => row.value},
        {header: 'source', value: (row: EffectiveSetting) => row.source},
      ])
    }
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
