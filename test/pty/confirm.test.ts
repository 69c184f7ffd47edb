/**
 * Destructive commands ask on a terminal: `groq models rm` in a real pseudo-terminal (tmux, the built CLI). The
 * prompt is drawn on the terminal (stderr), "y" sends the DELETE, anything else cancels with exit 2 and no request.
 */
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {assertFreshBuild} from '../helpers/cli.js'
import {createTerminal, describeWithTmux} from '../helpers/tmux.js'

describeWithTmux('groq models rm asks on a terminal (tmux, the built CLI)', () => {
  const terminal = createTerminal()
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
    await terminal.close()
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  async function answer(session: string, key: string): Promise<{exitCode: number; screen: string}> {
    const {port} = server.address() as AddressInfo
    await terminal.start(session, ['models', 'rm', 'my-model'], {
      GROQ_API_KEY: 'gsk_pty_0123456789',
      GROQ_BASE_URL: `http://127.0.0.1:${port}`,
    })
    await terminal.until(session, 'the question', (text) => text.includes('Delete model my-model?'), 10_000)
    await terminal.keys(session, key, 'Enter')
    const exitCode = await terminal.exitStatus(session)
    return {exitCode, screen: await terminal.screen(session)}
  }

  it('"n" cancels: exit 2, no request', async () => {
    const {exitCode, screen} = await answer('no', 'n')
    expect(screen).toContain('Error: Cancelled')
    expect(exitCode).toBe(2)
    expect(requests).toEqual([])
  })

  it('"y" deletes: the DELETE reaches the server, the id is printed, exit 0', async () => {
    const {exitCode, screen} = await answer('yes', 'y')
    expect(screen).toMatch(/^my-model$/m)
    expect(exitCode).toBe(0)
    expect(requests).toEqual(['DELETE /openai/v1/models/my-model'])
  })
})
