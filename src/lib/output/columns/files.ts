import type {Column} from '../types.js'

/** A File as Groq returns it (the spec's File; `status` as OpenAI-compatible APIs add it). */
export interface GroqFile {
  bytes?: number
  created_at?: number
  filename?: string
  id: string
  object?: string
  purpose?: string
  status?: string
}

export const FILE_COLUMNS: Column<GroqFile>[] = [
  {header: 'id', value: (file) => file.id},
  {header: 'filename', value: (file) => file.filename},
  {header: 'size', humanize: 'bytes', value: (file) => file.bytes},
  {header: 'purpose', value: (file) => file.purpose},
  {header: 'status', value: (file) => file.status},
  {header: 'created', humanize: 'date', value: (file) => file.created_at},
]

export const FILE_FIELDS: Column<GroqFile>[] = FILE_COLUMNS
