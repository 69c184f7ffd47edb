/**
 * `groq chat -i` on a real pseudo-terminal: tmux runs the BUILT CLI (node bin/run.js, as a user would) against a
 * local server started here, which streams answers as SSE and answers the model lookup (context window). HOME and
 * XDG_* point into a temp dir. Keys go in with send-keys, the screen comes back with capture-pane, the server
 * records every request, and the saved conversation and the model cache are read back from the temp dir.
 */
import {execFile, spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {assertFreshBuild, BIN, homeEnv, ROOT} from '../helpers/cli.js'

const run = promisify(execFile)
const hasTmux = spawnSync('tmux', ['-V']).status === 0

interface Recorded {
  aborted: boolean
  body: {messages: {content: string; role: string}[]; model: string; stream?: boolean; temperature?: number}
  finished: boolean
}

const chunk = (choice: object, extra: object = {}) =>
  `data: ${JSON.stringify({
    choices: [{finish_reason: null, index: 0, logprobs: null, ...choice}],
    created: 1_730_241_104,
    id: 'chatcmpl-pty',
    model: 'test-model',
    object: 'chat.completion.chunk',
    ...extra,
  })}\n\n`

/**
 * GET /openai/v1/models/test-model: the model, context window 8192. POST chat: "Answer N" at once, or, for a
 * question with "slowly" in it, a number every 40 ms until the client goes away.
 */
function startServer(recorded: Recorded[], lookups: string[]): Promise<Server> {
  const server = createServer((request, response) => {
    let raw = ''
    request.on('data', (data) => (raw += data))
    request.on('end', () => {
      if (request.method === 'GET') {
        lookups.push(request.url ?? '')
        response.writeHead(200, {'content-type': 'application/json'})
        response.end(
          JSON.stringify({context_window: 8192, created: 0, id: 'test-model', object: 'model', owned_by: 'Test'}),
        )
        return
      }
      const record: Recorded = {aborted: false, body: JSON.parse(raw), finished: false}
      recorded.push(record)
      response.writeHead(200, {'cache-control': 'no-cache', 'content-type': 'text/event-stream'})
      const delta = (content: string) => response.write(chunk({delta: {content}}))
      const finish = () => {
        record.finished = true
        response.end('data: [DONE]\n\n')
      }
      response.write(chunk({delta: {content: '', role: 'assistant'}}))
      if (record.body.messages.at(-1)?.content.includes('slowly')) {
        delta('Counting:')
        let count = 0
        const timer = setInterval(() => {
          delta(` ${++count}`)
          if (count === 250) {
            clearInterval(timer)
            finish()
          }
        }, 40)
        response.on('close', () => {
          clearInterval(timer)
          if (!record.finished) record.aborted = true
        })
        return
      }
      delta('Answer ')
      delta(String(recorded.length))
      response.write(
        chunk(
          {delta: {}, finish_reason: 'stop'},
          {x_groq: {id: 'req_pty', usage: {completion_tokens: 2, prompt_tokens: 20, total_tokens: 22}}},
        ),
      )
      finish()
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`

describe.skipIf(!hasTmux && !process.env.CI)('groq chat -i in a real terminal (tmux, the built CLI)', () => {
  // A private server on its own socket (in a temp dir, removed after), so the user's tmux is never touched.
  const socketDir = mkdtempSync(join(tmpdir(), 'groq-repl-tmux-'))
  const socket = join(socketDir, 'socket')
  const home = mkdtempSync(join(tmpdir(), 'groq-repl-home-'))
  const {TMUX: _nested, ...env} = process.env
  const tmux = async (...args: string[]) => (await run('tmux', ['-S', socket, ...args], {env})).stdout
  const recorded: Recorded[] = []
  const lookups: string[] = []
  let server: Server

  beforeAll(async () => {
    assertFreshBuild()
    server = await startServer(recorded, lookups)
  })

  afterAll(async () => {
    await tmux('kill-server').catch(() => {})
    rmSync(socketDir, {force: true, recursive: true})
    rmSync(home, {force: true, recursive: true})
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'repl', '-S', '-')
  const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)?.trimEnd()

  /** Polls the screen until the check passes; fails with the screen after a timeout. */
  async function until(what: string, check: (text: string) => boolean, timeout = 6000): Promise<string> {
    const deadline = Date.now() + timeout
    for (;;) {
      const text = await screen()
      if (check(text)) return text
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${text}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
  /**
   * The CLI's exit status, which the wrapping shell prints when it ends. (tmux's own #{pane_dead_status} is not
   * used: tmux 3.3 sometimes leaves the exited process unreaped.)
   */
  async function exitStatus(): Promise<number> {
    const text = await until('the CLI to exit', (screenText) => /\[exit \d+\]/.test(screenText), 5000)
    return Number(/\[exit (\d+)\]/.exec(text)?.[1])
  }
  const atPrompt = (text: string) => lastLine(text) === 'test-model>'
  const type = async (text: string) => {
    await tmux('send-keys', '-t', 'repl', '-l', text)
    await tmux('send-keys', '-t', 'repl', 'Enter')
  }

  it('streams two turns with the history, takes a slash command, survives Ctrl-C mid-answer, saves the conversation and exits 0 on Ctrl-D', async () => {
    expect(hasTmux, 'tmux is required on CI').toBe(true)
    const {port} = server.address() as AddressInfo
    // Only what the CLI needs: no GROQ_* or config from the developer's shell; TERM is tmux's own.
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
    const cli = [process.execPath, BIN, 'chat', '-i', '-m', 'test-model', '-s', 'Be brief.'].map(quote).join(' ')
    // The shell survives Ctrl-C (a trap, which its child does not inherit) and prints the CLI's exit status.
    const command = `trap : INT; env -i TERM="$TERM" ${assignments} ${cli}; echo "[exit $?]"`
    await tmux(
      '-f',
      join(ROOT, 'test/fixtures/repl/tmux.conf'),
      'new-session',
      '-d',
      '-s',
      'repl',
      '-x',
      '100',
      '-y',
      '30',
      '-c',
      home,
      command,
    )

    await until('the first prompt', (text) => text.includes('Chatting with test-model.') && atPrompt(text), 10_000)

    await type('hello')
    await until('the first answer', (text) => text.includes('test-model> hello\nAnswer 1\n') && atPrompt(text))

    await type('/set temperature 0.3')
    await until('the /set reply', (text) => text.includes('temperature = 0.3\n') && atPrompt(text))

    await type('and then?')
    await until('the second answer', (text) => text.includes('Answer 2\n') && atPrompt(text))

    await type('count slowly')
    await until('the slow answer to start', (text) => /Counting: 1 2 3/.test(text))
    await tmux('send-keys', '-t', 'repl', 'C-c')
    await until(
      'the interrupted note',
      (text) => text.includes('Interrupted: the partial answer is kept') && atPrompt(text),
    )

    await type('next')
    await until('the answer after Ctrl-C', (text) => text.includes('Answer 4\n') && atPrompt(text))

    await tmux('send-keys', '-t', 'repl', 'C-d')
    expect(await exitStatus()).toBe(0)

    const system = {content: 'Be brief.', role: 'system'}
    expect(recorded.map((record) => record.body.messages.at(-1)?.content)).toEqual([
      'hello',
      'and then?',
      'count slowly',
      'next',
    ])
    expect(recorded[0].body).toEqual({
      messages: [system, {content: 'hello', role: 'user'}],
      model: 'test-model',
      stream: true,
    })
    // The second request carried the history, and the /set parameter.
    expect(recorded[1].body).toEqual({
      messages: [
        system,
        {content: 'hello', role: 'user'},
        {content: 'Answer 1', role: 'assistant'},
        {content: 'and then?', role: 'user'},
      ],
      model: 'test-model',
      stream: true,
      temperature: 0.3,
    })
    // Ctrl-C closed the slow request, and its partial answer went into the history of the next one.
    expect(recorded[2].aborted).toBe(true)
    const partial = recorded[3].body.messages.at(-2)
    expect(partial?.role).toBe('assistant')
    expect(partial?.content).toMatch(/^Counting: 1 2 3( \d+)*$/)
    expect(partial?.content).not.toMatch(/ 250$/)
    expect(recorded[3].body.messages).toHaveLength(8)

    // The context window was looked up once and cached; the session was saved as one conversation.
    expect(lookups).toEqual(['/openai/v1/models/test-model'])
    const cache = JSON.parse(readFileSync(join(home, 'cache', 'groq', 'models.json'), 'utf8'))
    expect(cache.entries[`http://127.0.0.1:${port}`]['test-model'].context_window).toBe(8192)
    const dir = join(home, 'data', 'groq', 'conversations')
    const files = readdirSync(dir)
    expect(files).toHaveLength(1)
    const saved = JSON.parse(readFileSync(join(dir, files[0]), 'utf8'))
    expect(saved).toMatchObject({
      messages: [...recorded[3].body.messages, {content: 'Answer 4', role: 'assistant'}],
      model: 'test-model',
      params: {temperature: 0.3},
      usage: {completion_tokens: 6, prompt_tokens: 60, total_tokens: 66},
    })
  }, 20_000)
})
