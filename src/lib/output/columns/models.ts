import type {Column} from '../types.js'

/** A model as Groq returns it: the spec's fields plus the ones Groq adds (context_window, active). */
export interface GroqModel {
  active?: boolean
  context_window?: number
  created: number
  id: string
  max_completion_tokens?: number
  object: string
  owned_by: string
  public_apps?: unknown
}

export const MODEL_COLUMNS: Column<GroqModel>[] = [
  {header: 'id', value: (model) => model.id},
  {header: 'owner', value: (model) => model.owned_by},
  {header: 'context window', humanize: 'number', value: (model) => model.context_window},
  {header: 'active', humanize: 'bool', value: (model) => model.active},
  {header: 'created', humanize: 'date', value: (model) => model.created},
]

export const MODEL_FIELDS: Column<GroqModel>[] = [
  ...MODEL_COLUMNS,
  {header: 'max completion tokens', humanize: 'number', value: (model) => model.max_completion_tokens},
]
