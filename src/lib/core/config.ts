import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {writeFileAtomic} from './atomic-write.js'
import {parseDuration} from './duration.js'
import {CliError, UsageError} from './errors.js'
import {configDir} from './paths.js'
import {parseSize} from './size.js'

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
      try {
        const url = new URL(raw)
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol')
      } catch {
        throw new UsageError(`${key}: "${raw}" is not an http(s) URL`)
      }
      return raw.replace(/\/+$/, '')
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
      if (!/^\d+$/.test(raw) || Number(raw) > 10)
        throw new UsageError(`${key}: "${raw}" must be a whole number from 0 to 10`)
      return Number(raw)
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
    description: 'request timeout, e.g. 30s, 2m (default 60s)',
    parse(raw, key) {
      parseDuration(raw, key)
      return raw
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

/** Writes the config with mode 0600: it may hold an API key. */
export async function saveConfig(loaded: LoadedConfig): Promise<void> {
  await writeFileAtomic(loaded.path, JSON.stringify(loaded.file, null, 2) + '\n', 0o600)
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
  /** Undefined when nothing chose one: the formatter then picks by TTY. */
  output?: OutputFormat
  profile: string
  profileData: Profile
  timeoutMs: number
  /** Why the profile's key was skipped, for a warning on stderr. */
  warning?: string
}

export const DEFAULT_TIMEOUT_MS = 60_000
/** Groq's limit for an uploaded batch file (the spec's uploadFile and createBatch say 100 MB). */
export const DEFAULT_MAX_FILE_SIZE = 100_000_000
/**
 * Requests per batch file. Groq's batch guide (console.groq.com/docs/batch) documents the line format and the
 * 100 MB file limit but, in the pages we could read, no request count; 50,000 is the limit of the OpenAI Batch API
 * that Groq's mirrors. Configurable (`groq config set batches.max_requests N`) for when Groq states its own.
 */
export const DEFAULT_BATCH_MAX_REQUESTS = 50_000

/** A numeric setting of the active profile (files.max_size, audio.max_size, batches.max_requests), else its default. */
export function numberSetting(settings: Pick<Settings, 'profileData'>, key: string, fallback: number): number {
  const value = settings.profileData[key]
  return typeof value === 'number' && value > 0 ? value : fallback
}
export const DEFAULT_MAX_RETRIES = 2

/** Precedence everywhere: flag, then environment, then the profile in the config file. */
export function resolveSettings(flags: FlagInputs, env: NodeJS.ProcessEnv): Settings {
  const config = loadConfig(env)
  const profile = profileName(flags.profile, env, config.file)
  const profileData = config.file.profiles[profile] ?? {}
  let warning: string | undefined

  let apiKey: Sourced<string> | undefined
  if (flags['api-key']) apiKey = {source: 'flag', value: flags['api-key']}
  else if (env.GROQ_API_KEY) apiKey = {source: 'env', value: env.GROQ_API_KEY}
  else if (typeof profileData.api_key === 'string' && profileData.api_key) {
    if (config.insecure) {
      warning = `Warning: ${config.path} is readable by other users, so its API key is not used. Run: chmod 600 ${config.path}`
    } else {
      apiKey = {source: 'profile', value: profileData.api_key}
    }
  }

  let baseURL: Sourced<string> | undefined
  if (flags['base-url']) baseURL = {source: 'flag', value: flags['base-url']}
  else if (env.GROQ_BASE_URL) baseURL = {source: 'env', value: env.GROQ_BASE_URL}
  else if (typeof profileData.base_url === 'string') baseURL = {source: 'profile', value: profileData.base_url}

  const timeoutText = flags.timeout ?? (typeof profileData.timeout === 'string' ? profileData.timeout : undefined)
  const timeoutMs = timeoutText
    ? parseDuration(timeoutText, flags.timeout ? '--timeout' : 'timeout')
    : DEFAULT_TIMEOUT_MS

  const maxRetries =
    flags['max-retries'] ??
    (typeof profileData.max_retries === 'number' ? profileData.max_retries : DEFAULT_MAX_RETRIES)

  const outputText = flags.output ?? (typeof profileData.output === 'string' ? profileData.output : undefined)
  const output = outputText as OutputFormat | undefined

  return {apiKey, baseURL, config, maxRetries, output, profile, profileData, timeoutMs, warning}
}
