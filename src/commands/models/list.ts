import {Flags} from '../../lib/core/oclif.js'

import {BaseCommand} from '../../lib/core/base-command.js'
import {type GroqModel, MODEL_COLUMNS} from '../../lib/output/columns/models.js'
import {list} from '../../lib/output/types.js'

export default class ModelsList extends BaseCommand<typeof ModelsList> {
  static summary = 'List the models available to your API key'
  static description =
    'Rows are sorted by id. --json prints the API response unchanged (filtered by --active when given).'
  static examples = [
    '<%= config.bin %> models list',
    '<%= config.bin %> models list --active | cut -f1',
    "<%= config.bin %> models list --json | jq -r '.data[].id'",
  ]

  static flags = {
    active: Flags.boolean({description: 'only models that are active'}),
  }

  async run() {
    const client = await this.client()
    const page = await client.models.list({signal: this.signal})
    const response = page as unknown as {data: GroqModel[]; object: string}
    const models = this.flags.active ? response.data.filter((model) => model.active !== false) : response.data
    const data = this.flags.active ? {...response, data: models} : response
    const sorted = [...models].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    return list(data, sorted, MODEL_COLUMNS)
  }
}
