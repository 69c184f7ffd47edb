import {fileURLToPath} from 'node:url'

import type Groq from 'groq-sdk'

import {loadBundle} from '../boot/bundle.js'
import {groqCacheDir} from '../boot/code-cache.js'
import {AuthError} from '../core/errors.js'
import {createFetch, type HeadersClass} from './transport.js'
import type {Settings} from '../core/config.js'

export type GroqClient = Groq

export const MISSING_KEY_MESSAGE =
  'No API key. Provide one with --api-key, the GROQ_API_KEY environment variable, or `groq auth login` (saves it to your profile).'

export interface ClientOptions {
  /** Writes one diagnostic line to stderr; set only with --debug. */
  debug?: (line: string) => void
  /** For the proxy variables (HTTPS_PROXY, NO_PROXY, …). */
  env: NodeJS.ProcessEnv
  userAgent: string
}

// From dist/lib/http/client.js, two folders up: dist/vendor/groq-sdk.cjs, made by scripts/bundle-groq-sdk.mjs. Not there for src/.
const SDK_BUNDLE = fileURLToPath(new URL('../../vendor/groq-sdk.cjs', import.meta.url))

interface SdkBundle {
  Headers: HeadersClass
  sdk: typeof import('groq-sdk')
}

/**
 * groq-sdk from the build's bundle (one file with a code cache, and its own light Headers, so that Node's undici
 * never loads), else from node_modules (with the global Headers). bench/PERF.md has the figures.
 */
async function loadSdk(env: NodeJS.ProcessEnv): Promise<{Groq: typeof Groq; Headers?: HeadersClass}> {
  const bundle = loadBundle<SdkBundle>(SDK_BUNDLE, {cacheDir: groqCacheDir(env)})
  if (bundle) return {Groq: bundle.exports.sdk.default, Headers: bundle.exports.Headers}
  return {Groq: (await import('groq-sdk')).default}
}

/**
 * Builds the groq-sdk client. groq-sdk is loaded here, lazily, so commands that never call the
 * API (and --help, --version) do not pay for loading it.
 */
export async function createClient(settings: Settings, options: ClientOptions): Promise<GroqClient> {
  if (!settings.apiKey) throw new AuthError(MISSING_KEY_MESSAGE)
  const {Groq: GroqSdk, Headers} = await loadSdk(options.env)
  const {debug} = options
  return new GroqSdk({
    apiKey: settings.apiKey.value,
    baseURL: settings.baseURL?.value ?? 'https://api.groq.com',
    fetch: createFetch(options.env, {Headers}) as unknown as typeof fetch,
    defaultHeaders: {'User-Agent': options.userAgent},
    logLevel: debug ? 'debug' : 'off',
    logger: debug ? debugLogger(debug) : undefined,
    maxRetries: settings.maxRetries,
    timeout: settings.timeoutMs,
  })
}

/** groq-sdk's own debug logging redacts the Authorization header; we only route it to stderr. */
function debugLogger(write: (line: string) => void) {
  const log =
    (level: string) =>
    (message: string, ...rest: unknown[]) =>
      write(`[${level}] ${message}${rest.length > 0 ? ' ' + rest.map((value) => safeStringify(value)).join(' ') : ''}`)
  return {debug: log('debug'), error: log('error'), info: log('info'), warn: log('warn')}
}

function safeStringify(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value)
  } catch {
    return String(value)
  }
}
