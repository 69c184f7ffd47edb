import {mkdir, open, readdir, rename, rm, stat} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {CliError} from './errors.js'

/** An atomic write that failed: names the file it was for; `code` is the system's (ENOSPC, EACCES, …). */
export class WriteError extends CliError {
  readonly code?: string
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`Cannot write ${path}: ${(cause as Error).message}`)
    this.name = 'WriteError'
    this.code = (cause as NodeJS.ErrnoException).code
    this.cause = cause
  }
}

/** `.<name>.<pid>.<12 hex>.tmp`; earlier versions wrote `.<name>.<12 hex>.tmp`. */
const TEMP = /^\..+?\.(?:(\d+)\.)?[0-9a-f]{12}\.tmp$/
/** A temp file whose writer cannot be checked is left for this long before it counts as left over. */
const STALE_TEMP_MS = 60 * 60 * 1000

/**
 * Writes a file so that readers see the old content or the new one, never half of it:
 * a temp file in the same directory, fsync, then rename over the target. A failure removes the temp file and
 * is a WriteError naming the target (`Cannot write …: ENOSPC: no space left on device, write`). After a write,
 * temp files left in the directory by a writer that was killed (kill -9, power loss) are removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  // Imported here: loading node:crypto costs ~5 ms, and most commands never write a file.
  const {randomBytes} = await import('node:crypto')
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await mkdir(dir, {mode: 0o700, recursive: true})
    const handle = await open(temp, 'wx', mode)
    try {
      await handle.writeFile(data)
      await handle.chmod(mode) // the umask may have narrowed or widened what open() asked for
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (error) {
    await rm(temp, {force: true}).catch(() => {})
    throw new WriteError(path, error)
  }
  await removeStaleTemps(dir).catch(() => {})
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Temp files of writers that are gone: their pid is not running, or (no pid in the name) they are an hour old. */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = []
  for (const name of await readdir(dir)) {
    const match = TEMP.exec(name)
    if (!match) continue
    const path = join(dir, name)
    const pid = match[1] === undefined ? undefined : Number(match[1])
    if (pid === process.pid) continue
    let stale = pid !== undefined && !pidAlive(pid)
    if (!stale) {
      const info = await stat(path).catch(() => undefined)
      stale = info !== undefined && now - info.mtimeMs > STALE_TEMP_MS
    }
    if (stale) {
      await rm(path, {force: true})
      removed.push(name)
    }
  }
  return removed
}
