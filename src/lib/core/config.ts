import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {MAX_TIMER_MS, parseDuration} from './duration.js'
import {CliError, redactURL, UsageError} from './errors.js'
import {DEFAULT_MAX_STDIN} from './input.js'
import {configDir} from './paths.js'
import {formatSize, parseSize} from './size.js'

export const OUTPUT_FORMATS = ['json', 'table', 'plain', 'ndjson'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

export const DEFAULT_PROFILE = 'default'

/** The endpoints that take a default model from config (`model.<endpoint>`). */
export const MODEL_ENDPOINTS = ['chat', 'transcribe', 'translate', 'speak', 'embed', 'rerank', 'responses'] as const
export type ModelEndpoint = (typeof MODEL_ENDPOINTS)[number]

export type SettingValue = boolean | number | string

interface SettingSpec {
  description: string
  /** Validates and normalises the text a user typed; throws UsageError naming the key. */
  parse(raw: string, key: string): SettingValue
}

const text: SettingSpec['parse'] = (raw) => raw
const bool: SettingSpec['parse'] = (raw, key) => {
  if (/^(true|1|yes|on)$/i.test(raw)) return true
  if (/^(false|0|no|off)$/i.test(raw)) return false
  throw new UsageError(`${key}: "${raw}" is not true or false`)
}

/** Every key `groq config set` accepts. The API key is not here: `groq auth login` owns it. */
export const SETTINGS: Record<string, SettingSpec> = {
  base_url: {
    description: 'API base URL (default https://api.groq.com)',
    parse(raw, key) {
      return parseBaseURL(raw, key)
    },
  },
  'audio.max_size': {
    description: "largest audio file transcribe and translate send, e.g. 25MB, 100MB (default 25MB, Groq's limit)",
    parse: (raw, key) => parseSize(raw, key),
  },
  'batches.max_requests': {
    description: 'requests per batch file; batches run splits above it (default 50000)',
    parse(raw, key) {
      if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`${key}: "${raw}" must be a whole number above 0`)
      return Number(raw)
    },
  },
  'chat.render': {description: 'render markdown in chat answers on a terminal (default true)', parse: bool},
  'chat.save': {description: 'save chats run from a terminal and interactive sessions (default true)', parse: bool},
  'chat.stats': {description: 'print model, tokens and speed to stderr after each chat answer', parse: bool},
  'files.max_size': {
    description: "largest file to upload, e.g. 100MB, 1GiB (default 100MB, Groq's limit for batch files)",
    parse: (raw, key) => parseSize(raw, key),
  },
  max_retries: {
    description: 'retries on 429, 5xx and network errors (default 2)',
    parse(raw, key) {
      if (!/^\d+$/.test(raw.trim()) || Number(raw) > 10)
        throw new UsageError(`${key}: "${raw}" must be a whole number from 0 to 10`)
      return Number(raw)
    },
  },
  max_retry_wait: {
    description: 'longest wait a server may ask for (Retry-After) that is waited; longer fails at once (default 60s)',
    parse(raw, key) {
      if (/^\s*0+(\.0*)?\s*(ms|s|m|h)?\s*$/.test(raw)) return raw.trim()
      parseDuration(raw, key)
      return raw.trim()
    },
  },
  max_stdin: {
    description: `largest input read from stdin, e.g. 10MB, 512KB (default ${formatSize(DEFAULT_MAX_STDIN)})`,
    parse(raw, key) {
      parseSize(raw, key)
      return raw.trim()
    },
  },
  output: {
    description: `default output format: ${OUTPUT_FORMATS.join(', ')}`,
    parse(raw, key) {
      if (!(OUTPUT_FORMATS as readonly string[]).includes(raw)) {
        throw new UsageError(`${key}: "${raw}" must be one of ${OUTPUT_FORMATS.join(', ')}`)
      }
      return raw
    },
  },
  'speak.voice': {description: 'default voice for speak (e.g. Fritz-PlayAI)', parse: text},
  timeout: {
    description: 'request timeout: the longest wait with no byte moving, e.g. 30s, 2m (default 60s)',
    parse(raw, key) {
      parseDuration(raw, key)
      return raw.trim()
    },
  },
  ...Object.fromEntries(
    MODEL_ENDPOINTS.map((endpoint) => [
      `model.${endpoint}`,
      {description: `default model for ${endpoint}`, parse: text},
    ]),
  ),
}

export interface Profile {
  api_key?: string
  [setting: string]: SettingValue | undefined
}

export interface ConfigFile {
  /** The profile used when neither --profile nor GROQ_PROFILE names one (`groq auth switch`). */
  default_profile?: string
  profiles: Record<string, Profile>
}

export function configPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'config.json')
}

export interface LoadedConfig {
  file: ConfigFile
  path: string
  /** Set when the file is readable by others: its API key is then not used. */
  insecure: boolean
  /** Set when the file could not be read and the run goes on without it (the key came from a flag or env). */
  ignored?: boolean
}

/** Reads the config file; a missing file is an empty config, a corrupt one an error naming it. */
export function loadConfig(env: NodeJS.ProcessEnv): LoadedConfig {
  const path = configPath(env)
  let raw: string
  let insecure = false
  try {
    insecure = (statSync(path).mode & 0o077) !== 0
    raw = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {file: {profiles: {}}, insecure: false, path}
    throw new CliError(`Cannot read config file ${path}: ${(error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    throw new UsageError(`Config file ${path} is not valid JSON (${(error as Error).message}); fix or remove it`)
  }
  const profiles = (parsed as ConfigFile | null)?.profiles
  if (!profiles || typeof profiles !== 'object') {
    throw new UsageError(`Config file ${path} has no "profiles" object; fix or remove it`)
  }
  return {file: parsed as ConfigFile, insecure, path}
}

/** Writes the config with mode 0600: it may hold an API key. Use updateConfig() to change a setting. */
export async function saveConfig(loaded: LoadedConfig): Promise<void> {
  // Imported when writing: they load node:fs/promises, which a command that only reads its settings never needs.
  const {writeFileAtomic} = await import('./atomic-write.js')
  await writeFileAtomic(loaded.path, JSON.stringify(loaded.file, null, 2) + '\n', 0o600)
}

/**
 * Read-modify-write of the config file under its lock (core/lock.ts): the file is read afresh once the lock is
 * held, so parallel `config set` and `auth login` runs each see the others' writes and none is lost. A corrupt
 * file is an error, never overwritten. `change` returns false when it changed nothing (then nothing is written).
 */
export async function updateConfig(
  env: NodeJS.ProcessEnv,
  change: (file: ConfigFile) => boolean | void,
): Promise<LoadedConfig> {
  const path = configPath(env)
  const {withFileLock} = await import('./lock.js')
  return withFileLock(path, async () => {
    const loaded = loadConfig(env)
    // `false`: nothing changed, nothing to write.
    if (change(loaded.file) !== false) await saveConfig(loaded)
    return loaded
  })
}

/** A profile's settings as saved (unparsed), for the commands that show or edit them (`config get|list`). */
export function readProfile(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): {config: LoadedConfig; profile: string; profileData: Profile} {
  const config = loadConfig(env)
  const profile = profileName(flag, env, config.file)
  const data = config.file.profiles[profile]
  return {config, profile, profileData: data && typeof data === 'object' ? data : {}}
}

/** An http(s) URL without a trailing slash; the value is never echoed with its password. */
export function parseBaseURL(raw: string, what: string): string {
  const trimmed = raw.trim()
  let url: URL | undefined
  try {
    url = new URL(trimmed)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new UsageError(`${what}: "${redactURL(trimmed)}" is not an http(s) URL (e.g. https://api.groq.com)`)
  }
  return trimmed.replace(/\/+$/, '')
}

export function profileName(flag: string | undefined, env: NodeJS.ProcessEnv, file?: ConfigFile): string {
  return flag || env.GROQ_PROFILE || file?.default_profile || DEFAULT_PROFILE
}

/** Where the active profile's name came from. */
export function profileSource(flag: string | undefined, env: NodeJS.ProcessEnv): 'env' | 'file' | 'flag' {
  return flag ? 'flag' : env.GROQ_PROFILE ? 'env' : 'file'
}

/** Refuses a key `groq config` does not know, listing the ones it does. */
export function assertKnownSetting(key: string): SettingSpec {
  const spec = SETTINGS[key]
  if (!spec) {
    throw new UsageError(`Unknown setting "${key}". Known settings: ${Object.keys(SETTINGS).join(', ')}`)
  }
  return spec
}

export function parseSetting(key: string, raw: string): SettingValue {
  return assertKnownSetting(key).parse(raw, key)
}

/** `gsk_…abcd`: enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 4)}…${key.slice(-4)}`
}

export type Source = 'env' | 'flag' | 'profile'

export interface Sourced<T> {
  source: Source
  value: T
}

export interface FlagInputs {
  'api-key'?: string
  'base-url'?: string
  'max-retries'?: number
  output?: string
  profile?: string
  timeout?: string
}

export interface Settings {
  apiKey?: Sourced<string>
  baseURL?: Sourced<string>
  config: LoadedConfig
  maxRetries: number
  /** config `max_retry_wait`: a longer Retry-After is not waited. */
  maxRetryWaitMs?: number
  /** config `max_stdin`: the most bytes read from stdin. */
  maxStdinBytes?: number
  /** Undefined when nothing chose one: the formatter then picks by TTY. */
  output?: OutputFormat
  profile: string
  /** The active profile's settings, each parsed as `config set` parses it (a bad one is an error, exit 2). */
  profileData: Profile
  timeoutMs: number
  /** Warnings for stderr: the profile's key skipped, a config file that could not be read. */
  warnings: string[]
}

export const DEFAULT_TIMEOUT_MS = 60_000
/** Groq's limit for an uploaded batch file (the spec's uploadFile and createBatch say 100 MB). */
export const DEFAULT_MAX_FILE_SIZE = 100_000_000
/** Groq's limit for an audio file sent directly to transcriptions and translations: 25 MB (config audio.max_size). */
export const DEFAULT_AUDIO_MAX_SIZE = 25_000_000
/**
 * Requests per batch file. Groq does not document a request count: its batch guide (console.groq.com/docs/batch,
 * every version we could read, to mid 2026) gives the line format, the models and the 24h-7d window, and its API
 * reference and SDK (groq-typescript's `files.create`: "The Batch API only supports `.jsonl` files up to 100 MB")
 * give only the 100 MB file size. 50,000 is the OpenAI Batch API's limit, which Groq's API mirrors; the 100 MB check
 * (files.max_size) is the one Groq states. Configurable (`groq config set batches.max_requests N`).
 */
export const DEFAULT_BATCH_MAX_REQUESTS = 50_000

/** A numeric setting of the active profile (files.max_size, audio.max_size, batches.max_requests), else its default. */
export function numberSetting(settings: Pick<Settings, 'profileData'>, key: string, fallback: number): number {
  const value = settings.profileData[key]
  return typeof value === 'number' && value > 0 ? value : fallback
}
export const DEFAULT_MAX_RETRIES = 2
export const DEFAULT_MAX_RETRY_WAIT_MS = 60_000

/** A value from the file, parsed as `config set` parses it; an error names the file, profile and key. */
function parseSaved(config: LoadedConfig, profile: string, key: string, value: unknown): SettingValue {
  const where = `Config file ${config.path}, profile "${profile}"`
  const fix = `fix it with: groq config set ${key} VALUE${profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`}`
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new UsageError(
      `${where}: ${key} is ${value === null ? 'null' : `a ${Array.isArray(value) ? 'list' : typeof value}`}, not a value (${fix})`,
    )
  }
  try {
    return SETTINGS[key].parse(String(value), key)
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message} (${fix})`)
  }
}

/** The API key as given: surrounding space dropped; space or control characters inside it are an error. */
function parseKey(value: string, what: string): string {
  const key = value.trim()
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(key))
    throw new UsageError(`${what}: the API key contains spaces or control characters`)
  return key
}

/**
 * Precedence everywhere: flag, then environment, then the profile in the config file. Every value that is used
 * goes through the parser `config set` uses (flags and environment too), so a bad one is an error naming where it
 * came from (exit 2). A config file that cannot be read is an error, unless the key comes from a flag or the
 * environment: then the run goes on without it, with a warning.
 */
export function resolveSettings(flags: FlagInputs, env: NodeJS.ProcessEnv): Settings {
  const warnings: string[] = []
  const keyFlag = flags['api-key'] ? parseKey(flags['api-key'], '--api-key') : undefined
  const keyEnv = !keyFlag && env.GROQ_API_KEY ? parseKey(env.GROQ_API_KEY, 'GROQ_API_KEY') : undefined

  let config: LoadedConfig
  try {
    config = loadConfig(env)
  } catch (error) {
    if (!keyFlag && !keyEnv) throw error
    warnings.push(`Warning: ignoring the config file: ${(error as Error).message}`)
    config = {file: {profiles: {}}, ignored: true, insecure: false, path: configPath(env)}
  }
  const profile = profileName(flags.profile, env, config.file)
  const saved = config.file.profiles[profile]
  if (saved !== undefined && (typeof saved !== 'object' || saved === null || Array.isArray(saved))) {
    throw new UsageError(`Config file ${config.path}: profile "${profile}" is not an object; fix or remove it`)
  }

  // What flags and the environment set is not read from the file (so a bad saved value they override is no error).
  const overridden = new Set<string>()
  if (flags['base-url'] || env.GROQ_BASE_URL) overridden.add('base_url')
  if (flags.timeout) overridden.add('timeout')
  if (flags['max-retries'] !== undefined) overridden.add('max_retries')
  if (flags.output) overridden.add('output')
  const profileData: Profile = {}
  for (const [key, value] of Object.entries(saved ?? {})) {
    if (key === 'api_key') {
      if (keyFlag || keyEnv) continue
      if (typeof value !== 'string') {
        throw new UsageError(
          `Config file ${config.path}, profile "${profile}": api_key is not a string (run: groq auth login${profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`})`,
        )
      }
      profileData.api_key = value
    } else if (SETTINGS[key] && !overridden.has(key)) {
      profileData[key] = parseSaved(config, profile, key, value)
    }
  }

  let apiKey: Sourced<string> | undefined
  if (keyFlag) apiKey = {source: 'flag', value: keyFlag}
  else if (keyEnv) apiKey = {source: 'env', value: keyEnv}
  else if (profileData.api_key) {
    if (config.insecure) {
      warnings.push(
        `Warning: ${config.path} is readable by other users, so its API key is not used. Run: chmod 600 ${config.path}`,
      )
    } else {
      apiKey = {
        source: 'profile',
        value: parseKey(profileData.api_key, `Config file ${config.path}, profile "${profile}"`),
      }
    }
  }

  let baseURL: Sourced<string> | undefined
  if (flags['base-url']) baseURL = {source: 'flag', value: parseBaseURL(flags['base-url'], '--base-url')}
  else if (env.GROQ_BASE_URL) baseURL = {source: 'env', value: parseBaseURL(env.GROQ_BASE_URL, 'GROQ_BASE_URL')}
  else if (typeof profileData.base_url === 'string') baseURL = {source: 'profile', value: profileData.base_url}

  const timeoutMs = flags.timeout
    ? parseDuration(flags.timeout, '--timeout')
    : typeof profileData.timeout === 'string'
      ? parseDuration(profileData.timeout, 'timeout')
      : DEFAULT_TIMEOUT_MS

  const maxRetries =
    flags['max-retries'] ??
    (typeof profileData.max_retries === 'number' ? profileData.max_retries : DEFAULT_MAX_RETRIES)

  const maxRetryWaitMs =
    typeof profileData.max_retry_wait === 'string'
      ? parseRetryWait(profileData.max_retry_wait)
      : DEFAULT_MAX_RETRY_WAIT_MS

  const maxStdinBytes =
    typeof profileData.max_stdin === 'string' ? parseSize(profileData.max_stdin, 'max_stdin') : DEFAULT_MAX_STDIN

  const outputText = flags.output ?? (typeof profileData.output === 'string' ? profileData.output : undefined)
  const output = outputText as OutputFormat | undefined

  return {
    apiKey,
    baseURL,
    config,
    maxRetries,
    maxRetryWaitMs,
    maxStdinBytes,
    output,
    profile,
    profileData,
    timeoutMs,
    warnings,
  }
}

function parseRetryWait(text: string): number {
  if (/^\s*0+(\.0*)?\s*(ms|s|m|h)?\s*$/.test(text)) return 0
  return Math.min(parseDuration(text, 'max_retry_wait'), MAX_TIMER_MS)
}
