import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Chat from '../../src/commands/chat.js'
import {stripAnsi} from '../../src/lib/ux/ansi.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

/** A recorded stream (37 token-sized deltas) whose answer has a heading, a list and a fenced code block. */
const STREAM = readFileSync(new URL('../fixtures/chat/markdown.sse', import.meta.url), 'utf8')
const RAW = [
  '## Install',
  '',
  'Run it with **npm**:',
  '',
  '- install the `groq` package',
  '- set `GROQ_API_KEY`',
  '  - or run `groq auth login`',
  '',
  '```sh',
  'npm i -g groq-cli',
  'groq models list',
  '```',
  '',
  'Done.',
  '',
].join('\n')
const RENDERED = [
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
  '',
].join('\n')

function env(profile: Record<string, unknown> = {}): NodeJS.ProcessEnv {
  const home = tempHome()
  mkdirSync(join(home.configHome, 'groq'), {recursive: true})
  writeFileSync(join(home.configHome, 'groq', 'config.json'), JSON.stringify({profiles: {default: profile}}), {
    mode: 0o600,
  })
  return {...home.env, GROQ_API_KEY: KEY}
}

const reply = () =>
  nock(API).post('/openai/v1/chat/completions').reply(200, STREAM, {'content-type': 'text/event-stream'})

describe('groq chat renders markdown on a terminal', () => {
  it('renders the streamed answer when stdout is a TTY (no colour: layout and markers only)', async () => {
    reply()
    const result = await run(Chat, ['--no-color', '--no-save', 'how?'], {env: env(), stdoutTTY: true})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: RENDERED})
  })

  it('colours it when colour is on', async () => {
    reply()
    const {stdout} = await run(Chat, ['--no-save', 'how?'], {env: env(), stdoutTTY: true})
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      '\u001B[1;35m## Install\u001B[22;39m',
      '',
      'Run it with \u001B[1mnpm\u001B[22m:',
    ])
    expect(stdout).toContain('\u001B[2m•\u001B[22m install the \u001B[36mgroq\u001B[39m package')
  })

  it.each([
    ['piped', [], {}, false],
    ['--no-render', ['--no-render'], {}, true],
    ['--raw', ['--raw'], {}, true],
    ['config chat.render false', [], {'chat.render': false}, true],
  ])('prints the text as the model wrote it: %s', async (_name, flags, profile, tty) => {
    reply()
    const result = await run(Chat, ['--no-save', ...flags, 'how?'], {env: env(profile), stdoutTTY: tty})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: RAW})
  })

  it('--render turns it back on over config chat.render false', async () => {
    reply()
    const result = await run(Chat, ['--no-save', '--no-color', '--render', 'how?'], {
      env: env({'chat.render': false}),
      stdoutTTY: true,
    })
    expect(result.stdout).toBe(RENDERED)
  })

  it('keeps the raw text in --json and in the saved conversation', async () => {
    reply()
    const home = env()
    const json = await run(Chat, ['--json', '--save', 'how?'], {env: home, stdoutTTY: true})
    const completion = JSON.parse(stripAnsi(json.stdout))
    expect(completion.choices[0].message.content).toBe(RAW.trimEnd())
    const dir = join(home.XDG_DATA_HOME!, 'groq', 'conversations')
    const [file] = readdirSync(dir)
    const saved = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    expect(saved.messages.at(-1).content).toBe(RAW.trimEnd())
  })

  it('--jq filters the assembled completion (and implies --json)', async () => {
    reply()
    const result = await run(Chat, ['--no-save', '--jq', '.choices[0].message.content | split("\\n")[0]', 'how?'], {
      env: env(),
    })
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: '## Install\n'})
  })
})
