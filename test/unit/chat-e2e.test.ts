import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ROOT, tempHome} from '../helpers/run.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/chat/${name}`, import.meta.url), 'utf8')

/** `groq chat` as a user runs it: a real process (from the sources, through tsx), real pipes. */
function groq(
  argv: string[],
  stdin: string,
  baseURL: string,
): Promise<{code: number | null; stderr: string; stdout: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--no-warnings=ExperimentalWarning', 'bin/dev.js', 'chat', ...argv, '--base-url', baseURL],
      {
        cwd: ROOT,
        env: {...tempHome().env, GROQ_API_KEY: 'gsk_e2e', NO_COLOR: '1', PATH: process.env.PATH},
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (data) => (stdout += data))
    child.stderr.on('data', (data) => (stderr += data))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr, stdout}))
    child.stdin.end(stdin)
  })
}

describe('groq chat end to end (spawned)', () => {
  let server: Server
  let baseURL: string
  const bodies: unknown[] = []

  beforeAll(async () => {
    server = createServer((request, response) => {
      let text = ''
      request.on('data', (data) => (text += data))
      request.on('end', () => {
        bodies.push(JSON.parse(text))
        response.writeHead(200, {'content-type': 'text/event-stream'})
        if (request.url?.startsWith('/cut/')) {
          response.write(fixture('error.sse').split('\n\n').slice(0, 3).join('\n\n') + '\n\n', () =>
            response.socket?.destroy(),
          )
        } else {
          response.end(fixture('basic.sse'))
        }
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseURL = `http://127.0.0.1:${(server.address() as {port: number}).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('piped stdin and a prompt: the answer alone on stdout, exit 0', async () => {
    const result = await groq(['summarise'], 'some context\n', baseURL)
    expect(result).toEqual({code: 0, stderr: '', stdout: fixture('basic.txt')})
    expect(bodies.at(-1)).toEqual({
      model: 'llama-3.3-70b-versatile',
      messages: [{role: 'user', content: 'some context\n\nsummarise'}],
      stream: true,
    })
  }, 30_000)

  it('a cut connection: the partial answer, one error line, exit 6', async () => {
    const result = await groq(['hi'], '', `${baseURL}/cut`)
    expect(result.code).toBe(6)
    expect(result.stdout).toBe('Partial answer\n')
    expect(result.stderr).toMatch(/^Error: The connection was cut while streaming the answer \(.+\)\n$/)
  }, 30_000)
})
