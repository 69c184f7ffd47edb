import {type ClientOptions, createClient} from '../http/client.js'
import type {Settings} from './config.js'

/** Checks a key with the cheapest authenticated call there is (GET /openai/v1/models). */
export async function verifyKey(
  settings: Settings,
  apiKey: string,
  options: ClientOptions & {signal: AbortSignal},
): Promise<void> {
  const client = await createClient({...settings, apiKey: {source: 'flag', value: apiKey}}, options)
  await client.models.list({signal: options.signal})
}
