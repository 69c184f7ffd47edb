/**
 * src/lib/boot/wsl.ts decides whether the bundled oclif asks wsl-utils (is-wsl) at all: it must say "maybe" wherever
 * is-wsl could say yes, or oclif would call WSL `linux` (in `--version`, the user agent, `config.platform`).
 */
import {afterEach, describe, expect, it, vi} from 'vitest'

const files = vi.hoisted(() => ({exists: new Set<string>(), procVersion: 'Linux version 6.1.0-18-amd64 (debian)'}))
vi.mock('node:fs', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:fs')>()),
  existsSync: (path: string) => files.exists.has(path),
  readFileSync: (path: string) => {
    if (path !== '/proc/version') throw new Error(`unexpected read of ${path}`)
    return files.procVersion
  },
}))

const {maybeWsl} = await import('../../src/lib/boot/wsl.js')

describe.runIf(process.platform === 'linux')('maybeWsl', () => {
  afterEach(() => {
    files.exists.clear()
    files.procVersion = 'Linux version 6.1.0-18-amd64 (debian)'
    vi.unstubAllEnvs()
  })

  it('is false on a plain Linux: no sign is-wsl looks for', () => {
    expect(maybeWsl()).toBe(false)
  })

  it('is true when /proc/version names Microsoft (any case), as WSL 1 and 2 kernels do', () => {
    files.procVersion = 'Linux version 5.15.153.1-microsoft-standard-WSL2 (root@1c602f52c2e4)'
    expect(maybeWsl()).toBe(true)
    files.procVersion = 'Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com)'
    expect(maybeWsl()).toBe(true)
  })

  it.each(['/proc/sys/fs/binfmt_misc/WSLInterop', '/run/WSL'])(
    'is true when %s exists (custom WSL kernels)',
    (path) => {
      files.exists.add(path)
      expect(maybeWsl()).toBe(true)
    },
  )

  it('is true under __IS_WSL_TEST__, where is-wsl exports a function (truthy) instead of its answer', () => {
    vi.stubEnv('__IS_WSL_TEST__', '1')
    expect(maybeWsl()).toBe(true)
  })
})
