import {existsSync, readFileSync} from 'node:fs'

/**
 * Whether is-wsl (behind wsl-utils, which oclif imports to tell `wsl` from `linux` on every run) could answer true:
 * every sign it checks before it can, in its order. False means "not WSL" for certain, so the bundled oclif
 * (scripts/bundle-oclif.mjs, Config#load's getPlatform) then skips importing wsl-utils, whose modules
 * (node:child_process, node:fs/promises, is-wsl, powershell-utils) cost a few ms on every command; true means
 * "ask wsl-utils", as before. bin/run.js checks the same signs for `--version` (it loads nothing of dist/).
 */
export function maybeWsl(): boolean {
  if (process.platform !== 'linux') return false
  // is-wsl exports its function instead of its answer under this variable (a function is truthy: oclif says wsl).
  if (process.env.__IS_WSL_TEST__) return true
  const says = (text: string) => text.toLowerCase().includes('microsoft')
  try {
    // /proc/version begins `Linux version <os.release()>`: it says so whenever the release does.
    if (says(readFileSync('/proc/version', 'utf8'))) return true
  } catch {
    // no /proc/version: ask for the release, then the paths below
    if (says(process.getBuiltinModule('node:os').release())) return true
  }
  return existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL')
}
