import {homedir} from 'node:os'
import {join} from 'node:path'

/** `$XDG_CONFIG_HOME/groq`, default `~/.config/groq`. */
export function configDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return join(base, 'groq')
}

/** `$XDG_DATA_HOME/groq`, default `~/.local/share/groq`. */
export function dataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share')
  return join(base, 'groq')
}

/** `$XDG_CACHE_HOME/groq`, default `~/.cache/groq`. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache')
  return join(base, 'groq')
}

/** `$XDG_STATE_HOME/groq`, default `~/.local/state/groq` (state worth keeping across runs, e.g. `batches run --resume`). */
export function stateDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state')
  return join(base, 'groq')
}
