import {CliError, describeError} from '../core/errors.js'
import type {ListPage} from '../core/listing.js'
import type {GroqClient} from '../http/client.js'
import type {Column} from '../output/types.js'

/**
 * Fine-tunings (`/v1/fine_tunings`, note: not under /openai): list, get, create, delete. The endpoint is in closed
 * beta, so a 403 or 404 is most often "this organization has no access": the error line says so, keeping the
 * exit code of the status (3 or 4).
 */

export const FINE_TUNINGS_PATH = '/v1/fine_tunings'
export const DEFAULT_FINE_TUNING_TYPE = 'lora'
const BETA_NOTE =
  'fine-tuning is in closed beta: without access, Groq answers 403 or 404 (ask at https://groq.com/contact)'

export interface FineTuning {
  base_model?: string
  created_at?: number
  fine_tuned_model?: string
  id?: string
  input_file_id?: string
  name?: string
  type?: string
}

export type FineTuningList = ListPage<FineTuning>

/** GET and create answer `{id, object, data: FineTuning}`. */
export interface FineTuningEnvelope {
  data?: FineTuning
  id?: string
  object?: string
}

export interface FineTuningCreate {
  base_model: string
  input_file_id: string
  name: string
  type: string
}

const fineTuningPath = (id: string) => `${FINE_TUNINGS_PATH}/${encodeURIComponent(id)}`

/** A 403 or 404 gets the closed-beta note; anything else is the usual error. */
async function closedBeta<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    const status = (error as {status?: unknown}).status
    if (status === 403 || status === 404) {
      const {exitCode, message} = describeError(error)
      throw new CliError(`${message}; ${BETA_NOTE}`, exitCode)
    }
    throw error
  }
}

export function listFineTunings(client: GroqClient, signal?: AbortSignal): Promise<FineTuningList> {
  return closedBeta(async () => {
    const answer = await client.get<FineTuningList>(FINE_TUNINGS_PATH, {signal})
    if (!answer || !Array.isArray(answer.data)) throw new Error('The API answered without a "data" list')
    return answer
  })
}

export function getFineTuning(client: GroqClient, id: string, signal?: AbortSignal): Promise<FineTuningEnvelope> {
  return closedBeta(() => client.get<FineTuningEnvelope>(fineTuningPath(id), {signal}))
}

export function createFineTuning(
  client: GroqClient,
  body: FineTuningCreate,
  signal?: AbortSignal,
): Promise<FineTuningEnvelope> {
  return closedBeta(() => client.post<FineTuningEnvelope>(FINE_TUNINGS_PATH, {body, signal}))
}

export function deleteFineTuning(
  client: GroqClient,
  id: string,
  signal?: AbortSignal,
): Promise<{deleted?: boolean; id?: string; object?: string}> {
  return closedBeta(() => client.delete(fineTuningPath(id), {signal}))
}

export const FINE_TUNING_COLUMNS: Column<FineTuning>[] = [
  {header: 'id', value: (tuning) => tuning.id},
  {header: 'name', value: (tuning) => tuning.name},
  {header: 'base model', value: (tuning) => tuning.base_model},
  {header: 'type', value: (tuning) => tuning.type},
  {header: 'fine-tuned model', value: (tuning) => tuning.fine_tuned_model},
  {header: 'created', humanize: 'date', value: (tuning) => tuning.created_at},
]

/** `get` and `create` show the inner fine-tuning's fields; --json prints the whole envelope. */
export const FINE_TUNING_FIELDS: Column<FineTuningEnvelope>[] = [
  ...FINE_TUNING_COLUMNS.map((column) => ({
    ...column,
    value: (envelope: FineTuningEnvelope) => column.value(envelope.data ?? {}),
  })),
  {header: 'input file', value: (envelope) => envelope.data?.input_file_id},
]
