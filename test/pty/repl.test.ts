/**
 * The REPL on a real pseudo-terminal: tmux runs test/fixtures/repl/entry.ts (runRepl on the process's
 * own stdin/stdout/stderr) against a local SSE server started here. Keys go in with send-keys, the
 * screen comes back with capture-pane, and the server records every request.
 */
import {execFile, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)
const hasTmux = spawnSync('tmux', ['-V']).status === 0

interface Recorded {
  aborted: boolean
  body: {messages: {content: string; role: string}[]; model: string; stream?: boolean; temperature?: number}
  finished: boolean
}

/** Answers "Answer N" at once, or, for a question with "slowly" in it, counts a number every 40 ms until stopped. */
function startServer(recorded: Recorded[]): Promise<Server> {
  const server = createServer((request, response) => {
    let raw = ''
    request.on('data', (chunk) => (raw += chunk))
    request.on('end', () => {
      const record: Recorded = {aborted: false, body: JSON.parse(raw), finished: false}
      recorded.push(record)
      response.writeHead(200, {'cache-control': 'no-cache', 'content-type': 'text/event-stream'})
      const send = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`)
      const delta = (content: string) => ({
        choices: [{delta: {content}, finish_reason: null, index: 0}],
        object: 'chat.completion.chunk',
      })
      const finish = () => {
        record.finished = true
        response.end('data: [DONE]\n\n')
      }
      if (record.body.messages.at(-1)?.content.includes('slowly')) {
        send(delta('Counting:'))
        let count = 0
        const timer = setInterval(() => {
          send(delta(` ${++count}`))
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
      send(delta('Answer '))
      send(delta(String(recorded.length)))
      send({
        choices: [{delta: {}, finish_reason: 'stop', index: 0}],
        usage: {completion_tokens: 2, prompt_tokens: 20, total_tokens: 22},
      })
      finish()
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`

describe.skipIf(!hasTmux && !process.env.CI)('REPL in a real terminal (tmux)', () => {
  // A private server on its own socket (in a temp dir, removed after), so the user's tmux is never touched.
  const socketDir = mkdtempSync(join(tmpdir(), 'groq-repl-tmux-'))
  const socket = join(socketDir, 'socket')
  const {TMUX: _nested, ...env} = process.env
  const tmux = async (...args: string[]) => (await run('tmux', ['-S', socket, ...args], {env})).stdout
  const recorded: Recorded[] = []
  let server: Server

  beforeAll(async () => {
    server = await startServer(recorded)
  })

  afterAll(async () => {
    await tmux('kill-server').catch(() => {})
    rmSync(socketDir, {force: true, recursive: true})
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
   * The REPL's exit status, which the wrapping shell prints when the REPL ends. (tmux's own
   * #{pane_dead_status} is not used: tmux 3.3 sometimes leaves the exited process unreaped.)
   */
  async function exitStatus(): Promise<number> {
    const text = await until('the REPL to exit', (screenText) => /\[exit \d+\]/.test(screenText), 5000)
    return Number(/\[exit (\d+)\]/.exec(text)?.[1])
  }
  const atPrompt = (text: string) => lastLine(text) === 'test-model>'
  const type = async (text: string) => {
    await tmux('send-keys', '-t', 'repl', '-l', text)
    await tmux('send-keys', '-t', 'repl', 'Enter')
  }

  it('streams two turns with the history, takes a slash command, survives Ctrl-C mid-answer and exits 0 on Ctrl-D', async () => {
    expect(hasTmux, 'tmux is required on CI').toBe(true)
    const {port} = server.address() as AddressInfo
    // The shell survives Ctrl-C (a trap, which its child does not inherit) and prints the REPL's exit status.
    const command =
      `trap : INT; REPL_TEST_URL=http://127.0.0.1:${port} ${quote(process.execPath)} --import tsx test/fixtures/repl/entry.ts; ` +
      'echo "[exit $?]"'
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
      ROOT,
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
  }, 20_000)
})
