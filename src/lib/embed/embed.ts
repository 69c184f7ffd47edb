import {UsageError} from '../core/errors.js'
import type {GroqClient} from '../http/client.js'
import type {Column} from '../output/types.js'

/**
 * `groq embed`: texts in, one vector per text out, in input order. Inputs are sent in chunks of at most
 * `chunkSize` texts per request (the API takes up to 2048 per request, but a large request is one large failure
 * and one long wait), one chunk after another, through the one groq-sdk client.
 */

export const EMBEDDINGS_PATH = '/openai/v1/embeddings'
export const DEFAULT_EMBED_MODEL = 'nomic-embed-text-v1_5'
export const ENCODING_FORMATS = ['float', 'base64'] as const
export type EncodingFormat = (typeof ENCODING_FORMATS)[number]
/** The spec's limit on the input array (CreateEmbeddingRequest.input maxItems). */
export const MAX_CHUNK_SIZE = 2048
export const DEFAULT_CHUNK_SIZE = 100

export interface EmbeddingRequest {
  encoding_format?: EncodingFormat
  input: string[]
  model: string
  user?: string
}

export interface Embedding {
  embedding: number[] | string
  index: number
  object: string
}

export interface EmbeddingList {
  data: Embedding[]
  model: string
  object: string
  usage: {prompt_tokens: number; total_tokens: number}
}

/** One row of the output: what `-o ndjson` prints, `{"index","embedding"}`. */
export interface EmbeddingRow {
  index: number
  embedding: number[] | string
}

export interface EmbedOptions {
  chunkSize: number
  encodingFormat?: EncodingFormat
  model: string
  signal?: AbortSignal
  user?: string
}

/** Refuses what the API would refuse (an empty text, no text at all), naming where the text came from. */
export function checkInputs(inputs: string[], source: (index: number) => string): void {
  if (inputs.length === 0) throw new UsageError('No text to embed: give TEXT arguments or pipe one text per line')
  const empty = inputs.findIndex((input) => input.trim() === '')
  if (empty !== -1) throw new UsageError(`${source(empty)} is empty: the API refuses empty texts`)
}

/** Splits inputs into request bodies of at most chunkSize texts each. */
export function chunkRequests(inputs: string[], options: Omit<EmbedOptions, 'signal'>): EmbeddingRequest[] {
  const bodies: EmbeddingRequest[] = []
  for (let start = 0; start < inputs.length; start += options.chunkSize) {
    const body: EmbeddingRequest = {input: inputs.slice(start, start + options.chunkSize), model: options.model}
    if (options.encodingFormat) body.encoding_format = options.encodingFormat
    if (options.user !== undefined) body.user = options.user
    bodies.push(body)
  }
  return bodies
}

/**
 * Sends every chunk and merges the answers into one list object, in input order, with indices counted over all
 * inputs and usage summed: for a single chunk that is the API's object unchanged.
 */
export async function embed(client: GroqClient, inputs: string[], options: EmbedOptions): Promise<EmbeddingList> {
  let merged: EmbeddingList | undefined
  let offset = 0
  for (const body of chunkRequests(inputs, options)) {
    const answer = await client.post<EmbeddingList>(EMBEDDINGS_PATH, {body, signal: options.signal})
    const data = [...(answer.data ?? [])].sort((a, b) => a.index - b.index)
    if (data.length !== body.input.length || data.some((item, position) => item.index !== position)) {
      throw new Error(
        `The API answered ${data.length} embedding(s) for ${body.input.length} input(s) (indices ${data.map((item) => item.index).join(',')})`,
      )
    }
    const shifted = offset === 0 ? data : data.map((item) => ({...item, index: item.index + offset}))
    if (merged) {
      merged.data.push(...shifted)
      merged.usage = {
        prompt_tokens: (merged.usage?.prompt_tokens ?? 0) + (answer.usage?.prompt_tokens ?? 0),
        total_tokens: (merged.usage?.total_tokens ?? 0) + (answer.usage?.total_tokens ?? 0),
      }
    } else {
      merged = {...answer, data: shifted}
    }
    offset += body.input.length
  }
  return merged!
}

export const toRows = (list: EmbeddingList): EmbeddingRow[] =>
  list.data.map(({embedding, index}) => ({index, embedding}))

/** Plain: the vector as space-separated numbers (or the base64 text), one line per input. */
export const EMBEDDING_COLUMNS: Column<EmbeddingRow>[] = [
  {header: 'embedding', value: (row) => (typeof row.embedding === 'string' ? row.embedding : row.embedding.join(' '))},
]
