import {type Limit, readRateLimits} from '../core/rate-limits.js'
import type {GroqClient} from '../http/client.js'
import type {Column} from '../output/types.js'

/**
 * `groq limits`: Groq reports rate limits only in the headers of a model's answer, so each model gets one
 * cheap call (a one-token chat completion) and its `x-ratelimit-*` headers are read.
 */

export interface ModelLimits {
  model: string
  requests: Limit
  tokens: Limit
}

/** The cheapest request that answers with the model's limits: one short message, one token back. */
export const probeBody = (model: string) => ({
  max_completion_tokens: 1,
  messages: [{content: 'hi', role: 'user'}],
  model,
})

export async function probeLimits(client: GroqClient, model: string, signal?: AbortSignal): Promise<ModelLimits> {
  const {response} = await client.post('/openai/v1/chat/completions', {body: probeBody(model), signal}).withResponse()
  const limits = readRateLimits(response.headers)
  return {model, requests: limits?.requests ?? {}, tokens: limits?.tokens ?? {}}
}

export const LIMIT_COLUMNS: Column<ModelLimits>[] = [
  {header: 'model', value: (row) => row.model},
  {header: 'requests left', humanize: 'number', value: (row) => row.requests.remaining},
  {header: 'requests/day', humanize: 'number', value: (row) => row.requests.limit},
  {header: 'requests reset', value: (row) => row.requests.reset},
  {header: 'tokens left', humanize: 'number', value: (row) => row.tokens.remaining},
  {header: 'tokens/min', humanize: 'number', value: (row) => row.tokens.limit},
  {header: 'tokens reset', value: (row) => row.tokens.reset},
]
