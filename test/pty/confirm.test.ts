/**
 * Destructive commands ask on a terminal: `groq models rm` in a real pseudo-terminal (tmux, the built CLI). The
 * prompt is drawn on the terminal (stderr), "y" sends the DELETE, anything else cancels with exit 2 and no request.
 */
import {execFile, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {assertFreshBuild, BIN, homeEnv, ROOT} from '../helpers/cli.js'

const run = promisify(execFile)
const hasTmux = spawnSync('tmux', ['-V']).status === 0
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`

describe.skipIf(!hasTmux && !process.env.CI)('groq models rm asks on a terminal (tmux, the built CLI)', () => {
  const socketDir = mkdtempSync(join(tmpdir(), 'groq-confirm-tmux-'))
  const socket = join(socketDir, 'socket')
  const home = mkdtempSync(join(tmpdir(), 'groq-confirm-home-'))
  const {TMUX: _nested, ...env} = process.env
  const tmux = async (...args: string[]) => (await run('tmux', ['-S', socket, ...args], {env})).stdout
  const requests: string[] = []
  let server: Server

  beforeAll(async () => {
    assertFreshBuild()
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`)
      response.writeHead(200, {'content-type': 'application/json'})
      response.end(JSON.stringify({deleted: true, id: 'my-model', object: 'model'}))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })

  afterAll(async () => {
    await tmux('kill-server').catch(() => {})
    rmSync(socketDir, {force: true, recursive: true})
    rmSync(home, {force: true, recursive: true})
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  async function until(session: string, what: string, check: (text: string) => boolean): Promise<string> {
    const deadline = Date.now() + 10_000
    for (;;) {
      const text = await tmux('capture-pane', '-p', '-J', '-t', session, '-S', '-')
      if (check(text)) return text
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${text}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  async function start(session: string): Promise<void> {
    const {port} = server.address() as AddressInfo
    const cliEnv: Record<string, string> = {
      ...homeEnv(home),
      GROQ_API_KEY: 'gsk_pty_0123456789',
      GROQ_BASE_URL: `http://127.0.0.1:${port}`,
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    }
    const assignments = Object.entries(cliEnv)
      .map(([name, value]) => `${name}=${quote(value)}`)
      .join(' ')
    const cli = [process.execPath, BIN, 'models', 'rm', 'my-model'].map(quote).join(' ')
    const command = `env -i TERM="$TERM" ${assignments} ${cli}; echo "[exit $?]"; sleep 30`
    const conf = join(ROOT, 'test/fixtures/repl/tmux.conf')
    await tmux('-f', conf, 'new-session', '-d', '-s', session, '-x', '100', '-y', '20', '-c', home, command)
    await until(session, 'the question', (text) => text.includes('Delete model my-model?'))
  }

  it('"n" cancels: exit 2, no request', async () => {
    expect(hasTmux, 'tmux is required on CI').toBe(true)
    await start('no')
    await tmux('send-keys', '-t', 'no', 'n', 'Enter')
    const text = await until('no', 'the exit', (screen) => /\[exit \d+\]/.test(screen))
    expect(text).toContain('Error: Cancelled')
    expect(text).toContain('[exit 2]')
    expect(requests).toEqual([])
  })

  it('"y" deletes: the DELETE reaches the server, the id is printed, exit 0', async () => {
    await start('yes')
    await tmux('send-keys', '-t', 'yes', 'y', 'Enter')
    const text = await until('yes', 'the exit', (screen) => /\[exit \d+\]/.test(screen))
    expect(text).toMatch(/^my-model$/m)
    expect(text).toContain('[exit 0]')
    expect(requests).toEqual(['DELETE /openai/v1/models/my-model'])
  })
})
