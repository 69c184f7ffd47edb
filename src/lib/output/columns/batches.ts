import type {Column} from '../types.js'

/** A Batch as the spec describes it. */
export interface GroqBatch {
  cancelled_at?: null | number
  completed_at?: null | number
  completion_window?: string
  created_at?: number
  endpoint?: string
  error_file_id?: null | string
  errors?: null | {data?: Array<{code?: string; line?: null | number; message?: string; param?: null | string}>}
  expired_at?: null | number
  expires_at?: null | number
  failed_at?: null | number
  id: string
  input_file_id?: string
  metadata?: null | Record<string, string>
  object?: string
  output_file_id?: null | string
  request_counts?: {completed: number; failed: number; total: number}
  status: string
}

/** `completed/failed/total`, e.g. `98/2/100`. */
export const progressOf = (batch: GroqBatch): string | undefined =>
  batch.request_counts
    ? `${batch.request_counts.completed}/${batch.request_counts.failed}/${batch.request_counts.total}`
    : undefined

export const BATCH_COLUMNS: Column<GroqBatch>[] = [
  {header: 'id', value: (batch) => batch.id},
  {header: 'status', value: (batch) => batch.status},
  {header: 'completed/failed/total', value: progressOf},
  {header: 'created', humanize: 'date', value: (batch) => batch.created_at},
  {header: 'endpoint', value: (batch) => batch.endpoint},
]

export const BATCH_FIELDS: Column<GroqBatch>[] = [
  {header: 'id', value: (batch) => batch.id},
  {header: 'status', value: (batch) => batch.status},
  {header: 'endpoint', value: (batch) => batch.endpoint},
  {header: 'completed/failed/total', value: progressOf},
  {header: 'input file', value: (batch) => batch.input_file_id},
  {header: 'output file', value: (batch) => batch.output_file_id ?? undefined},
  {header: 'error file', value: (batch) => batch.error_file_id ?? undefined},
  {header: 'completion window', value: (batch) => batch.completion_window},
  {header: 'created', humanize: 'date', value: (batch) => batch.created_at},
  {header: 'expires', humanize: 'date', value: (batch) => batch.expires_at ?? undefined},
  {header: 'completed', humanize: 'date', value: (batch) => batch.completed_at ?? undefined},
  {header: 'metadata', value: (batch) => batch.metadata ?? undefined},
]
