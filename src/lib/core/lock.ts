import {unlinkSync} from 'node:fs'
import {type FileHandle, link, mkdir, open, readFile, rename, stat, unlink} from 'node:fs/promises'
import {dirname} from 'node:path'

import {WriteError} from './atomic-write.js'
import {CliError} from './errors.js'
import {onInterrupt} from './interrupt.js'

/**
 * A lock file beside a file that is read, changed and written back (the config file, a saved conversation), so
 * that parallel runs change it one after the other and no write is lost (`withFileLock(path, async () => …)`).
 *
 * How: `<path>.lock` is created with O_EXCL (atomic on local file systems and on NFSv3+), holding the owner's
 * pid, host and a random token. Others wait for it with a short backoff (at most `timeoutMs`, default 10 s).
 * A lock is stale when its owner is gone (on this host, no process has its pid) or when it is older than `staleMs`
 * (default 30 s; holders keep it for milliseconds; covers another host's lock in a shared home, and a reused pid). A stale lock is renamed away before
 * it is removed, so two waiters that both judged it stale cannot remove a fresh one taken in between. Ctrl-C
 * while holding it removes it. Why not a library: proper-lockfile (the usual one) has had no release since 2021
 * and brings three dependencies for what is forty lines here.
 */
export interface LockOptions {
  /** Give up waiting after this long (default 10 s). */
  timeoutMs?: number
  /** A lock older than this whose owner cannot be checked (another host) is stale (default 30 s). */
  staleMs?: number
}

interface Owner {
  host: string
  pid: number
  token: string
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Owner
    return typeof owner?.pid === 'number' && typeof owner.token === 'string' ? owner : undefined
  } catch {
    return undefined
  }
}

export async function withFileLock<T>(target: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const release = await acquireLock(target, options)
  try {
    return await work()
  } finally {
    await release()
  }
}

/** Takes `<target>.lock` (creating the folder, mode 0700); resolves to the function that releases it. */
export async function acquireLock(target: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const {hostname} = await import('node:os')
  // Imported here: loading node:crypto costs ~5 ms, and most commands never take a lock.
  const {randomBytes} = await import('node:crypto')
  const lockPath = `${target}.lock`
  const timeoutMs = options.timeoutMs ?? 10_000
  const staleMs = options.staleMs ?? 30_000
  const host = hostname()
  const owner: Owner = {host, pid: process.pid, token: randomBytes(8).toString('hex')}
  await mkdir(dirname(target), {mode: 0o700, recursive: true})
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    let handle: FileHandle | undefined
    try {
      handle = await open(lockPath, 'wx', 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new WriteError(lockPath, error)
    }
    if (handle) {
      try {
        await handle.writeFile(JSON.stringify(owner))
      } catch (error) {
        // A full disk: no lock file is left behind to make the next run wait.
        await handle.close().catch(() => {})
        await unlink(lockPath).catch(() => {})
        throw new WriteError(lockPath, error)
      }
      await handle.close()
      break
    }
    const holder = await readOwner(lockPath)
    if (await isStale(lockPath, holder, host, staleMs)) {
      // Renamed first: of two waiters that judged it stale, only one moves it; the other finds a lock, or none.
      const aside = `${lockPath}.stale.${owner.token}`
      try {
        await rename(lockPath, aside)
        const moved = await readOwner(aside)
        if (moved && holder && moved.token !== holder.token && pidAlive(moved.pid)) {
          // A fresh lock was taken between our check and the rename: put it back if the place is still free.
          await link(aside, lockPath).catch(() => {})
        }
        await unlink(aside).catch(() => {})
      } catch {
        // someone else moved it first
      }
      continue
    }
    if (Date.now() - started > timeoutMs) {
      const who = holder ? ` (held by process ${holder.pid}${holder.host === host ? '' : ` on ${holder.host}`})` : ''
      throw new CliError(
        `Could not lock ${target} within ${Math.round(timeoutMs / 1000)} s${who}; if no groq command is running, remove ${lockPath}`,
      )
    }
    const wait = Math.min(50, 2 ** Math.min(attempt, 6)) * (0.5 + Math.random())
    await new Promise((resolve) => setTimeout(resolve, wait))
  }

  const removeSync = () => {
    try {
      // Synchronous: this runs from the Ctrl-C handler, just before exit.
      unlinkSync(lockPath)
    } catch {
      // gone already
    }
  }
  const forget = onInterrupt(removeSync)
  return async () => {
    forget()
    const holder = await readOwner(lockPath)
    if (holder?.token === owner.token) await unlink(lockPath).catch(() => {})
  }
}

async function isStale(lockPath: string, holder: Owner | undefined, host: string, staleMs: number): Promise<boolean> {
  if (holder && holder.host === host && !pidAlive(holder.pid)) return true
  try {
    // Another host's owner cannot be checked, and a live pid may have been reused: a lock this old is left over.
    return Date.now() - (await stat(lockPath)).mtimeMs > staleMs
  } catch {
    return false // gone: the next attempt takes it
  }
}
