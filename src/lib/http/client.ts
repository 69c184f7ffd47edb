import {fileURLToPath} from 'node:url'

import type Groq from 'groq-sdk'

import {loadBundle} from '../boot/bundle.js'
import {groqCacheDir} from '../boot/code-cache.js'
import {AuthError, redactURL} from '../core/errors.js'
import {formatRateLimits, readRateLimits} from '../core/rate-limits.js'
import {DEFAULT_MAX_RETRY_WAIT_MS, withRetries} from './retry.js'
import {createFetch, type FetchInit, type HeadersClass, isReiterable, type NodeFetch} from './transport.js'
import type {Settings} from '../core/config.js'

export type GroqClient = Groq

export const MISSING_KEY_MESSAGE =
  'No API key. Provide one with --api-key, the GROQ_API_KEY environment variable, or `groq auth login` (saves it to your profile).'

export interface ClientOptions {
  /** Writes one diagnostic line to stderr; set only with --debug. */
  debug?: (line: string) => void
  /** For the proxy variables (HTTPS_PROXY, NO_PROXY, …). */
  env: NodeJS.ProcessEnv
  /** One line per retry (`429 rate limited; retrying in 2.0 s (attempt 2 of 3)`), for stderr. */
  onRetry?: (line: string) => void
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
  const {Groq: Sdk, Headers} = await loadSdk(options.env)
  const GroqSdk = withOurRetries(Sdk)
  const {debug} = options
  const onResponse = debug ? debugRateLimits(debug) : undefined
  const transport = withRetries(createFetch(options.env, {Headers, onResponse, timeoutMs: settings.timeoutMs}), {
    maxRetries: settings.maxRetries,
    maxWaitMs: settings.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS,
    onRetry: options.onRetry,
  })
  return new GroqSdk({
    apiKey: settings.apiKey.value,
    baseURL: settings.baseURL?.value ?? 'https://api.groq.com',
    fetch: sdkFetch(transport) as unknown as typeof fetch,
    defaultHeaders: {'User-Agent': options.userAgent},
    logLevel: debug ? 'debug' : 'off',
    logger: debug ? debugLogger(debug) : undefined,
    // Retries and timeouts are the transport's (http/retry.ts, http/transport.ts): one place for every request.
    // groq-sdk's timeout spans a whole fetch call, retry waits included, so it is set out of the way; a request
    // may still pass its own `timeout` (a total) and `fetchOptions: {maxRetries}`.
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
  })
}

/**
 * groq-sdk with its retries handed to ours (http/retry.ts): the SDK never retries (its loop gets 0 retries left, so
 * a per-request `maxRetries` cannot make it retry on top of the transport), and a request's own `maxRetries`
 * (`client.models.retrieve(id, {maxRetries: 0})`) reaches the retry layer through the fetch init.
 */
function withOurRetries(Sdk: typeof Groq): typeof Groq {
  type RequestArgs = Parameters<Groq['request']>
  type PrepareContext = {options: {maxRetries?: number}; url: string}
  class GroqCli extends Sdk {
    override request<Rsp>(options: RequestArgs[0]) {
      return super.request<Rsp>(options, 0)
    }
    protected override async prepareRequest(request: RequestInit, context: PrepareContext): Promise<void> {
      await super.prepareRequest(request, context as Parameters<Groq['prepareRequest']>[1])
      if (context.options.maxRetries !== undefined) (request as FetchInit).maxRetries = context.options.maxRetries
    }
  }
  // groq-sdk wraps an async iterable body in a one-shot ReadableStream; a re-iterable one (a multipart upload from
  // transfer/multipart.ts) goes to the transport as it is, so a retry sends it again. (buildBody is private in its types.)
  const sdkBuildBody = (Sdk.prototype as unknown as {buildBody(args: unknown): unknown}).buildBody
  Object.defineProperty(GroqCli.prototype, 'buildBody', {
    value(this: unknown, args: {options: {body?: unknown}}) {
      const {body} = args.options
      return isReiterable(body) ? {body, bodyHeaders: undefined} : sdkBuildBody.call(this, args)
    },
  })
  return GroqCli as unknown as typeof Groq
}

/** Node's timers hold at most 2^31-1 ms. */
const SDK_TIMEOUT_MS = 2 ** 31 - 1

/**
 * What groq-sdk calls: a request that accepts only JSON and sends JSON or nothing (every endpoint but binary
 * downloads and speech, which ask for other types, and multipart uploads such as a transcription, whose answer may
 * be text) has its 2xx body checked (transport.ts `expect: 'json'`).
 */
function sdkFetch(transport: NodeFetch): NodeFetch {
  return (input, init: FetchInit = {}) => {
    const accept = header(init.headers, 'accept')
    const sends = init.body === undefined || init.body === null ? undefined : header(init.headers, 'content-type')
    const json = accept === 'application/json' && (sends === undefined || sends.startsWith('application/json'))
    return transport(input, json ? {...init, expect: 'json'} : init)
  }
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  for (const [key, value] of Object.entries(headers as Record<string, string>))
    if (key.toLowerCase() === name) return value
  return undefined
}

/**
 * --debug: each answer's rate limits, after groq-sdk's own lines for the request
 * (`[debug] rate limits (GET /openai/v1/models, 200): requests 14399/14400 (resets in 6s), tokens …`).
 */
function debugRateLimits(write: (line: string) => void) {
  return (response: {headers: {get(name: string): null | string}; method: string; status: number; url: string}) => {
    const limits = readRateLimits(response.headers)
    if (!limits) return
    const {pathname} = new URL(response.url)
    const detail = formatRateLimits(limits).replace(/^rate limits: /, '')
    write(`[debug] rate limits (${response.method} ${pathname}, ${response.status}): ${detail}`)
  }
}

/** groq-sdk's own debug logging redacts the Authorization header; we only route it to stderr. */
function debugLogger(write: (line: string) => void) {
  const log =
    (level: string) =>
    (message: string, ...rest: unknown[]) =>
      write(
        redactURL(
          `[${level}] ${message}${rest.length > 0 ? ' ' + rest.map((value) => safeStringify(value)).join(' ') : ''}`,
        ),
      )
  return {debug: log('debug'), error: log('error'), info: log('info'), warn: log('warn')}
}

function safeStringify(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value)
  } catch {
    return String(value)
  }
}
