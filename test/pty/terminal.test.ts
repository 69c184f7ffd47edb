/**
 * The terminal experience in a real pseudo-terminal (tmux, the built CLI): the pager for output taller than the
 * screen (used, and not used with --no-pager or an empty PAGER), the did-you-mean question for a mistyped
 * command (no exits 2), and audio never written to the terminal.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {assertFreshBuild, ROOT} from '../helpers/cli.js'
import {createTerminal, describeWithTmux} from '../helpers/tmux.js'

/** 60 models: taller than the 30-row terminal tmux gives the CLI. */
const MODELS = {
  data: Array.from({length: 60}, (_, index) => ({
    active: true,
    context_window: 8192,
    created: 1_700_000_000,
    id: `model-${String(index).padStart(2, '0')}`,
    object: 'model',
    owned_by: 'Test',
  })),
  object: 'list',
}

describeWithTmux('the terminal (tmux, the built CLI)', () => {
  const terminal = createTerminal()
  let server: Server
  let env: Record<string, string>
  const paths: string[] = []

  beforeAll(async () => {
    assertFreshBuild()
    server = createServer((request, response) => {
      paths.push(request.url ?? '')
      response.writeHead(200, {'content-type': 'application/json'})
      response.end(JSON.stringify(MODELS))
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

  it('pages a list taller than the screen through less; q quits, exit 0', async () => {
    await terminal.start('paged', ['models', 'list'], env)
    // less shows the first screenful and waits: the last models are not on screen yet.
    const first = await terminal.until('paged', 'the first page', (text) => text.includes('model-20'), 10_000)
    expect(first).not.toContain('model-59')
    expect(first).not.toContain('[exit')
    await terminal.keys('paged', 'G')
    await terminal.until('paged', 'the end of the list', (text) => text.includes('model-59'))
    await terminal.keys('paged', 'q')
    expect(await terminal.exitStatus('paged')).toBe(0)
  })

  it.each([
    ['--no-pager', ['models', 'list', '--no-pager'], {}],
    ['PAGER=""', ['models', 'list'], {PAGER: ''}],
  ])('prints straight to the terminal with %s', async (name, args, extraEnv) => {
    const session = name.replaceAll(/\W/g, '')
    await terminal.start(session, args, {...env, ...extraEnv})
    expect(await terminal.exitStatus(session)).toBe(0)
    const screen = await terminal.screen(session)
    expect(screen).toContain('model-00')
    expect(screen).toContain('model-59')
  })

  it('pages the help of a big command (the page rendered at build time), and not with --no-pager', async () => {
    // OCLIF_COLUMNS=80: a width the build rendered pages for (bin/run.js answers without oclif).
    await terminal.start('help', ['chat', '--help'], {...env, OCLIF_COLUMNS: '80'})
    const first = await terminal.until('help', 'the first page', (text) => text.includes('USAGE'), 10_000)
    // less holds the rest (the examples are at the end of the page) until the reader scrolls.
    expect(first).not.toContain('EXAMPLES')
    expect(first).not.toContain('[exit')
    await terminal.keys('help', 'q')
    expect(await terminal.exitStatus('help')).toBe(0)

    await terminal.start('help-no-pager', ['chat', '--help', '--no-pager'], env)
    expect(await terminal.exitStatus('help-no-pager')).toBe(0)
  })

  it('pages help oclif renders itself (a width the build did not render), and keeps that page for next time', async () => {
    // tmux's 100 columns: no page was built for them, so oclif renders this one (src/help.ts pages it).
    const store = join(terminal.home, 'cache', 'groq', 'help')
    expect(existsSync(store)).toBe(false)
    await terminal.start('help-oclif', ['chat', '--help'], env)
    const first = await terminal.until('help-oclif', 'the first page', (text) => text.includes('USAGE'), 10_000)
    expect(first).not.toContain('EXAMPLES')
    expect(first).not.toContain('[exit')
    await terminal.keys('help-oclif', 'q')
    expect(await terminal.exitStatus('help-oclif')).toBe(0)
    // bin/run.js kept the page the pager showed (not an empty one): the next run answers from it, paged too.
    const kept = readdirSync(store, {recursive: true, withFileTypes: true}).filter((entry) => entry.isFile())
    expect(kept).toHaveLength(1)
    const page = readFileSync(join(kept[0].parentPath, kept[0].name), 'utf8')
    expect(page).toMatch(/^groq-help \d+ \S+\nAsk a model; the answer streams to stdout\n/)
    // The page names the install it is for (src/lib/boot/help-pages.ts).
    expect(decodeURIComponent(/^groq-help \d+ (\S+)/.exec(page)![1])).toBe(resolve(ROOT))
    expect(page).toContain('EXAMPLES')
    await terminal.start('help-kept', ['chat', '--help'], env)
    const again = await terminal.until('help-kept', 'the first page', (text) => text.includes('USAGE'), 10_000)
    expect(again).not.toContain('EXAMPLES')
    await terminal.keys('help-kept', 'q')
    expect(await terminal.exitStatus('help-kept')).toBe(0)
  })

  it('asks "Did you mean" for a mistyped command; no exits 2 with our line', async () => {
    await terminal.start('typo', ['models', 'lst'], env)
    await terminal.until('typo', 'the question', (text) => text.includes('Did you mean "models list"?'), 10_000)
    await terminal.keys('typo', 'n', 'Enter')
    expect(await terminal.exitStatus('typo')).toBe(2)
    expect(await terminal.screen('typo')).toContain('Error: unknown command "models lst". Did you mean "models list"?')
  })

  it('runs the suggested command when the answer is yes', async () => {
    await terminal.start('typo-yes', ['modls', 'list', '--no-pager'], env)
    await terminal.until('typo-yes', 'the question', (text) => text.includes('Did you mean "models list"?'), 10_000)
    await terminal.keys('typo-yes', 'y', 'Enter')
    expect(await terminal.exitStatus('typo-yes')).toBe(0)
    expect(await terminal.screen('typo-yes')).toContain('model-59')
  })

  it('speak refuses to write audio to the terminal, even with -O -: exit 2, a hint, no request', async () => {
    await terminal.start('speak', ['speak', 'Hello', '-O', '-', '--format', 'wav'], env)
    expect(await terminal.exitStatus('speak')).toBe(2)
    expect(await terminal.screen('speak')).toContain(
      'Error: Refusing to write binary data to the terminal: pass -O speech.wav (or pipe or redirect stdout)',
    )
    expect(paths.filter((path) => path.includes('/audio/'))).toEqual([])
  })
})
