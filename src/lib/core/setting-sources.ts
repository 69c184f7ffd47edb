import {
  DEFAULT_AUDIO_MAX_SIZE,
  DEFAULT_BATCH_MAX_REQUESTS,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  maskKey,
  type Profile,
  SETTINGS,
  type SettingValue,
} from './config.js'

/**
 * The effective value of a setting and where it came from, for `groq config get` and `config list --all`: a flag,
 * the environment, the profile in the config file, or the built-in default.
 */

export type SettingSource = 'default' | 'env' | 'flag' | 'profile'

export interface EffectiveSetting {
  key: string
  source?: SettingSource
  /** Undefined when nothing sets it and it has no default. */
  value?: SettingValue
}

/** The defaults the code falls back to, as a user would write them. */
export const SETTING_DEFAULTS: Record<string, SettingValue> = {
  'audio.max_size': DEFAULT_AUDIO_MAX_SIZE,
  base_url: 'https://api.groq.com',
  'batches.max_requests': DEFAULT_BATCH_MAX_REQUESTS,
  'chat.render': true,
  'chat.save': true,
  'chat.stats': false,
  'files.max_size': DEFAULT_MAX_FILE_SIZE,
  max_retries: DEFAULT_MAX_RETRIES,
  timeout: `${DEFAULT_TIMEOUT_MS / 1000}s`,
}

/** Settings a global flag or an environment variable can set for one run. */
const OVERRIDES: Record<string, {env?: string; flag?: string}> = {
  api_key: {env: 'GROQ_API_KEY', flag: 'api-key'},
  base_url: {env: 'GROQ_BASE_URL', flag: 'base-url'},
  max_retries: {flag: 'max-retries'},
  output: {flag: 'output'},
  timeout: {flag: 'timeout'},
}

export function effectiveSetting(
  key: string,
  inputs: {env: NodeJS.ProcessEnv; flags: Record<string, unknown>; profile: Profile},
): EffectiveSetting {
  const override = OVERRIDES[key]
  const flagValue = override?.flag ? inputs.flags[override.flag] : undefined
  let found: EffectiveSetting
  if (flagValue !== undefined && flagValue !== '') found = {key, source: 'flag', value: flagValue as SettingValue}
  else if (override?.env && inputs.env[override.env]) found = {key, source: 'env', value: inputs.env[override.env]}
  else if (inputs.profile[key] !== undefined) found = {key, source: 'profile', value: inputs.profile[key]}
  else if (key in SETTING_DEFAULTS) found = {key, source: 'default', value: SETTING_DEFAULTS[key]}
  else found = {key}
  // The key itself is never shown in full.
  if (key === 'api_key' && typeof found.value === 'string') found.value = maskKey(found.value)
  return found
}

/** Every key `config list --all` shows: the settings, and the API key (masked). */
export const ALL_KEYS = ['api_key', ...Object.keys(SETTINGS)].sort()
