import {UsageError} from '../core/errors.js'
import type {GroqClient} from '../http/client.js'
import type {Column} from '../output/types.js'

/** `groq rerank`: a query and documents in, the documents ranked by relevance out. */

export const RERANKING_PATH = '/openai/v1/reranking'
export const DEFAULT_RERANK_MODEL = 'qwen3-reranker-4b'
/** RerankingRequest.docs in the spec: 1 to 100 non-empty strings. */
export const MAX_DOCS = 100

export interface RerankRequest {
  docs: string[]
  instruction?: string
  model: string
  query: string
}

export interface RerankResult {
  doc: string
  score: number
}

export interface RerankResponse {
  results: RerankResult[]
}

export interface RankedRow extends RerankResult {
  rank: number
}

/** Builds the body, refusing (exit 2, before any request) what the spec does not allow. */
export function buildRerankRequest(
  input: {docs: string[]; instruction?: string; model: string; query: string},
  source: (index: number) => string,
): RerankRequest {
  if (input.query.trim() === '') throw new UsageError('--query: must not be empty')
  if (input.docs.length === 0)
    throw new UsageError('No documents to rank: give DOC arguments, --docs-file, or pipe one per line')
  if (input.docs.length > MAX_DOCS) {
    throw new UsageError(`${input.docs.length} documents: the API ranks at most ${MAX_DOCS} per request`)
  }
  const empty = input.docs.findIndex((doc) => doc.trim() === '')
  if (empty !== -1) throw new UsageError(`${source(empty)} is empty: the API refuses empty documents`)
  if (input.instruction !== undefined && input.instruction.trim() === '') {
    throw new UsageError('--instruction: must not be empty')
  }
  const body: RerankRequest = {docs: input.docs, model: input.model, query: input.query}
  if (input.instruction !== undefined) body.instruction = input.instruction
  return body
}

/**
 * Sends the request; `top` keeps the best N (the API has no such parameter, so the list, --json included, is cut
 * here, as `models list --active` filters its list).
 */
export async function rerank(
  client: GroqClient,
  body: RerankRequest,
  options: {signal?: AbortSignal; top?: number},
): Promise<{data: RerankResponse; rows: RankedRow[]}> {
  const answer = await client.post<RerankResponse>(RERANKING_PATH, {body, signal: options.signal})
  if (!answer || !Array.isArray(answer.results)) throw new Error('The API answered without a "results" list')
  // The API sorts by score already; sorting again costs nothing and makes the rank true whatever it sent.
  const sorted = [...answer.results].sort((a, b) => b.score - a.score)
  const kept = options.top === undefined ? sorted : sorted.slice(0, options.top)
  const data = options.top === undefined ? answer : {...answer, results: kept}
  return {data, rows: kept.map((result, index) => ({...result, rank: index + 1}))}
}

export const RERANK_COLUMNS: Column<RankedRow>[] = [
  {header: 'rank', value: (row) => row.rank},
  {header: 'score', value: (row) => row.score},
  {header: 'document', truncate: 80, value: (row) => row.doc},
]
