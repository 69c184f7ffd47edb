import {mkdir, open, rename, rm} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

/**
 * Writes a file so that readers see the old content or the new one, never half of it:
 * a temp file in the same directory, fsync, then rename over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  // Imported here: loading node:crypto costs ~5 ms, and most commands never write a file.
  const {randomBytes} = await import('node:crypto')
  const dir = dirname(path)
  await mkdir(dir, {mode: 0o700, recursive: true})
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
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
    await rm(temp, {force: true})
    throw error
  }
}
