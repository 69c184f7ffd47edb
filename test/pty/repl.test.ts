/**
 * `groq chat -i` on a real pseudo-terminal: tmux runs the BUILT CLI (node bin/run.js, as a user would) against a
 * local server started here, which streams answers as SSE and answers the model lookup (context window). HOME and
 * XDG_* point into a temp dir. Keys go in with send-keys, the screen comes back with capture-pane, the server
 * records every request, and the saved conversation and the model cache are read back from the temp dir.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {afterAll, beforeAll, expect, it} from 'vitest'

import {assertFreshBuild} from '../helpers/cli.js'
import {createTerminal, describeWithTmux} from '../helpers/tmux.js'

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
 * GET /openai/v1/models/test-model: the model, context window 8192. POST chat: "Answer N" at once; for a
 * question with "slowly" in it, a number a line every 40 ms until the client goes away; for one with "markdown" in
 * it, MARKDOWN in token-sized pieces after a pause (long enough for the spinner to show).
 */
const MARKDOWN = '## Steps\n\nRun **this** first:\n\n- one `a`\n- two\n\n```sh\nnpm i -g groq-cli\n```\n\nDone.'
const FIRST_TOKEN_DELAY_MS = 1200

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
      if (record.body.messages.at(-1)?.content.includes('markdown')) {
        setTimeout(async () => {
          for (const piece of MARKDOWN.match(/.{1,4}/gs) ?? []) {
            delta(piece)
            await new Promise((resolve) => setTimeout(resolve, 5))
          }
          finish()
        }, FIRST_TOKEN_DELAY_MS)
        return
      }
      if (record.body.messages.at(-1)?.content.includes('slowly')) {
        // A line each: answers are rendered as markdown on a terminal, a line at a time.
        delta('Counting:\n')
        let count = 0
        const timer = setInterval(() => {
          delta(`${++count}\n`)
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

describeWithTmux('groq chat -i in a real terminal (tmux, the built CLI)', () => {
  const terminal = createTerminal()
  const {home} = terminal
  const recorded: Recorded[] = []
  const lookups: string[] = []
  let server: Server

  beforeAll(async () => {
    assertFreshBuild()
    server = await startServer(recorded, lookups)
  })

  afterAll(async () => {
    await terminal.close()
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })

  const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)?.trimEnd()
  const until = (what: string, check: (text: string) => boolean, timeout?: number) =>
    terminal.until('repl', what, check, timeout)
  const atPrompt = (text: string) => lastLine(text) === 'test-model>'
  const type = (text: string) => terminal.type('repl', text)

  it('streams two turns with the history, takes a slash command, survives Ctrl-C mid-answer, saves the conversation and exits 0 on Ctrl-D', async () => {
    const {port} = server.address() as AddressInfo
    // Only what the CLI needs: no GROQ_* or config from the developer's shell; TERM is tmux's own.
    await terminal.start('repl', ['chat', '-i', '-m', 'test-model', '-s', 'Be brief.'], {
      GROQ_API_KEY: 'gsk_pty_0123456789',
      GROQ_BASE_URL: `http://127.0.0.1:${port}`,
    })

    await until('the first prompt', (text) => text.includes('Chatting with test-model.') && atPrompt(text), 10_000)

    await type('hello')
    await until('the first answer', (text) => text.includes('test-model> hello\nAnswer 1\n') && atPrompt(text))

    await type('/set temperature 0.3')
    await until('the /set reply', (text) => text.includes('temperature = 0.3\n') && atPrompt(text))

    await type('and then?')
    await until('the second answer', (text) => text.includes('Answer 2\n') && atPrompt(text))

    await type('count slowly')
    await until('the slow answer to start', (text) => /Counting:\n1\n2\n3\n/.test(text))
    await terminal.keys('repl', 'C-c')
    await until(
      'the interrupted note',
      (text) => text.includes('Interrupted: the partial answer is kept') && atPrompt(text),
    )

    await type('next')
    await until('the answer after Ctrl-C', (text) => text.includes('Answer 4\n') && atPrompt(text))

    await terminal.keys('repl', 'C-d')
    expect(await terminal.exitStatus('repl')).toBe(0)

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
    expect(partial?.content).toMatch(/^Counting:\n1\n2\n3\n(\d+\n)*$/)
    expect(partial?.content).not.toMatch(/\n250\n$/)
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

  it('renders a markdown answer as one-shot chat does, after a spinner that is gone before the answer', async () => {
    const {port} = server.address() as AddressInfo
    await terminal.start('md', ['chat', '--no-save', '-m', 'test-model'], {
      GROQ_API_KEY: 'gsk_pty_0123456789',
      GROQ_BASE_URL: `http://127.0.0.1:${port}`,
    })
    const untilMd = (what: string, check: (text: string) => boolean, timeout?: number) =>
      terminal.until('md', what, check, timeout)
    await untilMd('the first prompt', (text) => lastLine(text) === 'test-model>', 10_000)
    await terminal.type('md', 'answer in markdown')
    const waiting = await untilMd('the spinner', (text) => text.includes('Waiting for test-model'))
    expect(waiting).not.toContain('Steps')

    await untilMd('the rendered answer', (text) => text.includes('Done.') && lastLine(text) === 'test-model>')
    await terminal.keys('md', 'C-d')
    expect(await terminal.exitStatus('md')).toBe(0)
    const lines = (await terminal.screen('md')).split('\n')
    const question = lines.findIndex((line) => line.trimEnd() === 'test-model> answer in markdown')
    expect(lines.slice(question + 1, question + 14).map((line) => line.trimEnd())).toEqual([
      '## Steps',
      '',
      'Run this first:',
      '',
      '• one `a`',
      '• two',
      '',
      '```sh',
      'npm i -g groq-cli',
      '```',
      '',
      'Done.',
      'test-model>',
    ])
  }, 20_000)
})
