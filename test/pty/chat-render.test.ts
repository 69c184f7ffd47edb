/**
 * `groq chat` in a real pseudo-terminal (tmux, the built CLI) against a local server replaying a recorded stream
 * (test/fixtures/chat/markdown.sse: a heading, a list and a fenced code block, 37 token-sized deltas): the
 * spinner while nothing has arrived, cleared before the answer; the markdown rendered while it streams (the open
 * code fence already on screen while the server holds the rest back); the final screen compared whole.
 */
import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {assertFreshBuild} from '../helpers/cli.js'
import {createTerminal, describeWithTmux} from '../helpers/tmux.js'

const EVENTS = readFileSync(new URL('../fixtures/chat/markdown.sse', import.meta.url), 'utf8')
  .split('\n\n')
  .filter(Boolean)
  .map((event) => event + '\n\n')
const FIRST_TOKEN_DELAY_MS = 1500
const FENCE_PAUSE_MS = 1500

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The first event whose delta closes the code fence (the second ``` of the answer). */
function closingFenceEvent(): number {
  let fences = 0
  return EVENTS.findIndex((event) => {
    const content = /"content":"((?:[^"\\]|\\.)*)"/.exec(event)?.[1] ?? ''
    fences += content.split('```').length - 1
    return fences === 2
  })
}

describeWithTmux('groq chat renders markdown while it streams (tmux)', () => {
  const terminal = createTerminal()
  let server: Server
  let env: Record<string, string>

  beforeAll(async () => {
    assertFreshBuild()
    const pauseAt = closingFenceEvent()
    server = createServer(async (request, response) => {
      request.resume()
      await new Promise((resolve) => request.on('end', resolve))
      response.writeHead(200, {'content-type': 'text/event-stream'})
      response.write(EVENTS[0])
      await sleep(FIRST_TOKEN_DELAY_MS)
      for (let index = 1; index < EVENTS.length; index++) {
        if (index === pauseAt) await sleep(FENCE_PAUSE_MS)
        response.write(EVENTS[index])
        await sleep(10)
      }
      response.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    env = {GROQ_API_KEY: 'gsk_pty_0123456789', GROQ_BASE_URL: `http://127.0.0.1:${port}`}
  })

  afterAll(async () => {
    await terminal.close()
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  it('shows a spinner until the first token, renders line by line, and leaves the rendered answer', async () => {
    await terminal.start('render', ['chat', '--no-save', 'how do I install it?'], env)
    const waiting = await terminal.until('render', 'the spinner', (text) =>
      text.includes('Waiting for llama-3.3-70b-versatile'),
    )
    expect(waiting).not.toContain('Install')

    // The server holds back the closing fence (and the newline before it): the code block's first line is on
    // screen while the fence is open, the rest is not.
    const open = await terminal.until('render', 'the open code fence', (text) => text.includes('npm i -g groq-cli'))
    expect(open).toContain('• install the `groq` package')
    expect(open).not.toContain('groq models list')
    expect(open).not.toContain('Done.')
    expect(open).not.toContain('Waiting for')

    await terminal.until('render', 'the end of the answer', (text) => text.includes('[exit'), 15_000)
    expect(await terminal.exitStatus('render')).toBe(0)
    const lines = (await terminal.screen('render')).split('\n')
    const screen = lines.slice(0, lines.indexOf('[exit 0]') + 1)
    expect(screen).toEqual([
      '## Install',
      '',
      'Run it with npm:',
      '',
      '• install the `groq` package',
      '• set `GROQ_API_KEY`',
      '  • or run `groq auth login`',
      '',
      '```sh',
      'npm i -g groq-cli',
      'groq models list',
      '```',
      '',
      'Done.',
      '[exit 0]',
    ])
  })

  it('--no-render prints the markdown as it came', async () => {
    await terminal.start('raw', ['chat', '--no-save', '--no-render', 'how do I install it?'], env)
    await terminal.until('raw', 'the end of the answer', (text) => text.includes('[exit'), 15_000)
    expect(await terminal.exitStatus('raw')).toBe(0)
    const screen = await terminal.screen('raw')
    expect(screen).toContain('- install the `groq` package')
    expect(screen).toContain('Run it with **npm**:')
  })
})
