import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomic} from '../core/atomic-write.js'
import {cacheDir} from '../core/paths.js'

/**
 * What the CLI remembers about models between runs: for now each model's context window, which the
 * chat REPL uses to warn before a conversation outgrows it.
 *
 * The window comes from `context_window` in GET /openai/v1/models/{id} (a field Groq adds to the
 * spec's Model) and is cached in `$XDG_CACHE_HOME/groq/models.json` for a day, per API base URL (a
 * proxy or a test server may know other models). The cache is written atomically; a missing,
 * unreadable or foreign file is simply a miss. The lookup never throws: no answer, an error, or a
 * model without `context_window` all give `undefined` (and nothing is cached, so the next run asks
 * again).
 */

export const MODEL_INFO_TTL_MS = 24 * 60 * 60 * 1000
const CACHE_VERSION = 1

interface CacheEntry {
  context_window: number
  /** When the API said so, in ms since the epoch. */
  fetched_at: number
}

interface CacheFile {
  /** Base URL -> model id -> entry. */
  entries: Record<string, Record<string, CacheEntry>>
  version: typeof CACHE_VERSION
}

export interface ContextWindowOptions {
  /** The API base URL the cache entries belong to (default https://api.groq.com). */
  baseURL?: string
  /** For the cache directory (XDG_CACHE_HOME, HOME). */
  env: NodeJS.ProcessEnv
  /** The clock, in ms (tests). */
  now?: () => number
  /** Fetches one model as GET /openai/v1/models/{id} returns it (e.g. the client's models.retrieve). */
  retrieve(model: string): Promise<unknown>
  /** How long an entry stays fresh (default a day). */
  ttlMs?: number
}

/** `$XDG_CACHE_HOME/groq/models.json`. */
export const modelCachePath = (env: NodeJS.ProcessEnv): string => join(cacheDir(env), 'models.json')

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isWindow = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0

async function readCache(path: string): Promise<CacheFile> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'))
    if (isRecord(parsed) && parsed.version === CACHE_VERSION && isRecord(parsed.entries))
      return parsed as unknown as CacheFile
  } catch {
    // missing or unreadable: an empty cache
  }
  return {entries: {}, version: CACHE_VERSION}
}

/**
 * A cached `contextWindow(model)`: the model's context window in tokens, or undefined when it is
 * not known. Never rejects.
 */
export function createContextWindow(options: ContextWindowOptions): (model: string) => Promise<number | undefined> {
  const path = modelCachePath(options.env)
  const baseURL = options.baseURL ?? 'https://api.groq.com'
  const ttl = options.ttlMs ?? MODEL_INFO_TTL_MS
  const now = options.now ?? Date.now

  return async function contextWindow(model: string): Promise<number | undefined> {
    try {
      const cached = (await readCache(path)).entries[baseURL]?.[model]
      const age = cached ? now() - cached.fetched_at : Number.NaN
      if (cached && isWindow(cached.context_window) && age >= 0 && age < ttl) return cached.context_window

      const info = await options.retrieve(model)
      const window = isRecord(info) ? info.context_window : undefined
      if (!isWindow(window)) return undefined

      // Read again just before writing, so entries another process added meanwhile are kept.
      const cache = await readCache(path)
      const forBase = isRecord(cache.entries[baseURL]) ? cache.entries[baseURL] : {}
      cache.entries[baseURL] = {...forBase, [model]: {context_window: window, fetched_at: now()}}
      await writeFileAtomic(path, JSON.stringify(cache, null, 2) + '\n', 0o600).catch(() => {})
      return window
    } catch {
      return undefined
    }
  }
}
