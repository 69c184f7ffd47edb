/**
 * `groq chat` with saved conversations: when a chat is saved (terminal or not, --save, --no-save,
 * --name), what the file holds, -c and --conversation (history sent, turn appended), unreadable
 * files, and the interactive chat as `groq chat -i` wires it (store, context window, resume).
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Chat from '../../src/commands/chat.js'
import type {ChatMessage, Conversation} from '../../src/lib/chat/types.js'
import {ConversationStore} from '../../src/lib/chat/conversations.js'
import {modelCachePath} from '../../src/lib/chat/model-info.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/chat/${name}`, import.meta.url), 'utf8')
const PATH = '/openai/v1/chat/completions'
const SSE = {'content-type': 'text/event-stream'}
const JSON_TYPE = {'content-type': 'application/json'}
const COMPLETION = JSON.parse(fixture('basic.json'))
const ANSWER: string = COMPLETION.choices[0].message.content
const USAGE = COMPLETION.usage
const ID = /^[0-9a-z]{8}-[0-9a-z]{4}$/

const user = (content: string): ChatMessage => ({content, role: 'user'})
const assistant = (content: string): ChatMessage => ({content, role: 'assistant'})

const TRIP: Conversation = {
  created_at: '2026-01-02T03:04:05.000Z',
  id: 'mjwh0a2t-k3q9',
  messages: [{content: 'Be brief.', role: 'system'}, user('Best month for Lisbon?'), assistant('May or September.')],
  model: 'llama-3.1-8b-instant',
  name: 'trip',
  params: {temperature: 0.2},
  updated_at: '2026-01-02T03:10:00.000Z',
  usage: {completion_tokens: 6, prompt_tokens: 30, total_tokens: 36},
  version: 1,
}

const QUICK: Conversation = {
  created_at: '2026-01-03T10:00:00.000Z',
  id: 'mjxv2b7c-0a1b',
  messages: [user('Say hi'), assistant('Hi')],
  model: 'openai/gpt-oss-20b',
  params: {seed: 7},
  updated_at: '2026-01-03T10:00:01.000Z',
  usage: {completion_tokens: 1, prompt_tokens: 9, total_tokens: 10},
  version: 1,
}

/** A home with an API key, config model.chat set (continuing must not use it), and optionally saved conversations. */
async function home(conversations: Conversation[] = []) {
  const {configHome, env} = tempHome()
  mkdirSync(join(configHome, 'groq'), {recursive: true})
  writeFileSync(
    join(configHome, 'groq', 'config.json'),
    JSON.stringify({profiles: {default: {'model.chat': 'qwen/qwen3-32b'}}}),
    {mode: 0o600},
  )
  const store = ConversationStore.fromEnv(env)
  for (const conversation of conversations) await store.save(conversation)
  const path = (id: string) => join(store.dir, `${id}.json`)
  const files = () => (existsSync(store.dir) ? readdirSync(store.dir).sort() : [])
  const read = (id: string) => JSON.parse(readFileSync(path(id), 'utf8')) as Conversation
  return {env: {...env, GROQ_API_KEY: KEY}, files, path, read, store}
}

/** Intercepts chat requests in order (an SSE body string, or an object as JSON); returns the bodies seen. */
function chat(...replies: Array<{body: object | string; status?: number}>) {
  const bodies: Array<Record<string, unknown>> = []
  let scope = nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
  for (const {body, status = 200} of replies) {
    scope = scope
      .post(PATH, (sent) => {
        bodies.push(sent)
        return true
      })
      .reply(status, typeof body === 'string' ? body : JSON.stringify(body), typeof body === 'string' ? SSE : JSON_TYPE)
  }
  return {bodies, scope}
}
const streamed = {body: fixture('basic.sse')}

/** The REPL looks up the model's context window when it starts. */
const modelInfo = (model: string, contextWindow = 131_072) =>
  nock(API)
    .get(`/openai/v1/models/${encodeURIComponent(model)}`)
    .reply(200, {context_window: contextWindow, created: 0, id: model, object: 'model', owned_by: 'Meta'})

const terminal = {stdinTTY: true, stdoutTTY: true}

describe('groq chat: when a one-shot chat is saved', () => {
  it('from a terminal (stdin and stdout): saved after the answer with messages, model, params and usage; nothing said', async () => {
    const {env, files, read} = await home()
    const {bodies} = chat(streamed)
    const result = await run(Chat, ['-s', 'Be brief.', '--temperature', '0.3', 'Why fast models?'], {env, ...terminal})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: fixture('basic.txt')})
    expect(bodies).toHaveLength(1)
    const [file] = files()
    const saved = read(file.replace('.json', ''))
    expect(saved.id).toMatch(ID)
    expect(file).toBe(`${saved.id}.json`)
    expect(saved).toEqual({
      created_at: saved.created_at,
      id: saved.id,
      messages: [{content: 'Be brief.', role: 'system'}, user('Why fast models?'), assistant(ANSWER)],
      model: 'qwen/qwen3-32b',
      params: {temperature: 0.3},
      updated_at: saved.updated_at,
      usage: USAGE,
      version: 1,
    })
    expect(Date.parse(saved.updated_at)).toBeGreaterThanOrEqual(Date.parse(saved.created_at))
  })

  it('config chat.save false: nothing saved from a terminal by default; --save still saves', async () => {
    const {configHome, env} = tempHome()
    mkdirSync(join(configHome, 'groq'), {recursive: true})
    writeFileSync(
      join(configHome, 'groq', 'config.json'),
      JSON.stringify({profiles: {default: {'chat.save': false}}}),
      {mode: 0o600},
    )
    const store = ConversationStore.fromEnv(env)
    const files = () => (existsSync(store.dir) ? readdirSync(store.dir) : [])
    chat(streamed, streamed)
    expect((await run(Chat, ['hi'], {env: {...env, GROQ_API_KEY: KEY}, ...terminal})).exitCode).toBe(0)
    expect(files()).toEqual([])
    expect((await run(Chat, ['--save', 'hi'], {env: {...env, GROQ_API_KEY: KEY}, ...terminal})).exitCode).toBe(0)
    expect(files()).toHaveLength(1)
  })

  it('not from a terminal (piped stdin or piped stdout): nothing saved', async () => {
    const {env, files} = await home()
    chat(streamed, streamed, streamed)
    expect((await run(Chat, ['hi'], {env})).exitCode).toBe(0)
    expect((await run(Chat, ['hi'], {env, stdinTTY: true})).exitCode).toBe(0)
    expect((await run(Chat, ['hi'], {env, stdin: 'context', stdoutTTY: true})).exitCode).toBe(0)
    expect(files()).toEqual([])
  })

  it('--save saves a piped chat and says where on stderr (not with -q); --no-save saves nothing from a terminal', async () => {
    const {env, files, read} = await home()
    chat(streamed, {body: COMPLETION}, streamed)
    const saved = await run(Chat, ['--save', 'hi'], {env})
    const [file] = files()
    expect(saved).toEqual({
      exitCode: 0,
      stderr: `Saved as ${file.replace('.json', '')}\n`,
      stdout: fixture('basic.txt'),
    })
    expect(read(file.replace('.json', '')).messages).toEqual([user('hi'), assistant(ANSWER)])

    const quiet = await run(Chat, ['--save', '-q', '--no-stream', 'again'], {env})
    expect(quiet.stderr).toBe('')
    expect(files()).toHaveLength(2)

    expect((await run(Chat, ['--no-save', 'hi'], {env, ...terminal})).exitCode).toBe(0)
    expect(files()).toHaveLength(2)
  })

  it('--name names the new conversation (and implies --save); a name in use or invalid is refused before the request', async () => {
    const {env, files, read} = await home([TRIP])
    chat(streamed)
    const named = await run(Chat, ['--name', 'tcp-notes', 'hi'], {env})
    expect(named).toMatchObject({exitCode: 0, stderr: 'Saved as tcp-notes\n'})
    const id = files()
      .find((file) => file !== `${TRIP.id}.json`)!
      .replace('.json', '')
    expect(read(id).name).toBe('tcp-notes')

    // No interceptors: a request would fail these.
    expect(await run(Chat, ['--name', 'trip', 'hi'], {env})).toEqual({
      exitCode: 2,
      stderr: `Error: The name "trip" is already used by conversation ${TRIP.id}\n`,
      stdout: '',
    })
    expect((await run(Chat, ['--name', 'bad name', 'hi'], {env})).stderr).toMatch(
      /^Error: Invalid conversation name "bad name"/,
    )
    expect(await run(Chat, ['--name', 'x', '--no-save', 'hi'], {env})).toEqual({
      exitCode: 2,
      stderr: 'Error: --name and --no-save cannot be used together\n',
      stdout: '',
    })
    expect((await run(Chat, ['--name', 'x', '-c', 'hi'], {env})).stderr).toBe(
      'Error: --name: names a new conversation, not with --continue (to rename one: groq conversations rename)\n',
    )
    expect(files()).toHaveLength(2)
  })

  it('a failed request saves nothing', async () => {
    const {env, files} = await home()
    chat({body: {error: {message: 'Invalid API Key', type: 'invalid_request_error'}}, status: 401})
    const result = await run(Chat, ['--save', 'hi'], {env, ...terminal})
    expect(result.exitCode).toBe(3)
    expect(files()).toEqual([])
  })
})

describe('groq chat -c / --conversation: continuing a saved conversation', () => {
  it('-c sends the most recent conversation and the new message, with its model and parameters, and appends the turn', async () => {
    const {env, read} = await home([TRIP, QUICK])
    const {bodies} = chat(streamed)
    const result = await run(Chat, ['-c', 'And hello?'], {env})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: fixture('basic.txt')})
    expect(bodies[0]).toEqual({
      messages: [...QUICK.messages, user('And hello?')],
      model: 'openai/gpt-oss-20b',
      seed: 7,
      stream: true,
    })
    const saved = read(QUICK.id)
    expect(saved).toEqual({
      ...QUICK,
      messages: [...QUICK.messages, user('And hello?'), assistant(ANSWER)],
      updated_at: saved.updated_at,
      usage: {...USAGE, completion_tokens: 22, prompt_tokens: 27, total_tokens: 49},
    })
    expect(Date.parse(saved.updated_at)).toBeGreaterThan(Date.parse(QUICK.updated_at))
    expect(read(TRIP.id)).toEqual(TRIP)
  })

  it('--conversation takes a name, an id or an id prefix', async () => {
    const {env, read} = await home([TRIP, QUICK])
    const {bodies} = chat({body: COMPLETION}, {body: COMPLETION}, {body: COMPLETION})
    for (const ref of ['trip', TRIP.id, 'mjwh']) {
      expect((await run(Chat, ['--conversation', ref, '--no-stream', 'And June?'], {env})).exitCode).toBe(0)
    }
    expect(bodies[0]).toEqual({
      messages: [...TRIP.messages, user('And June?')],
      model: TRIP.model,
      stream: false,
      temperature: 0.2,
    })
    expect(bodies[2].messages).toHaveLength(TRIP.messages.length + 5)
    expect(read(TRIP.id).messages).toHaveLength(TRIP.messages.length + 6)
    expect(read(QUICK.id)).toEqual(QUICK)
  })

  it('-m, -s and parameter flags apply to this turn only: the conversation keeps its model, parameters and system message', async () => {
    const {env, read} = await home([TRIP])
    const {bodies} = chat(streamed)
    const argv = [
      '-c',
      '-m',
      'openai/gpt-oss-120b',
      '--temperature',
      '0.9',
      '--max-tokens',
      '50',
      '-s',
      'Be verbose.',
      'And June?',
    ]
    expect((await run(Chat, argv, {env})).exitCode).toBe(0)
    expect(bodies[0]).toEqual({
      max_completion_tokens: 50,
      messages: [{content: 'Be verbose.', role: 'system'}, ...TRIP.messages.slice(1), user('And June?')],
      model: 'openai/gpt-oss-120b',
      stream: true,
      temperature: 0.9,
    })
    const saved = read(TRIP.id)
    expect(saved.model).toBe(TRIP.model)
    expect(saved.params).toEqual(TRIP.params)
    expect(saved.messages).toEqual([...TRIP.messages, user('And June?'), assistant(ANSWER)])
  })

  it('continuing saves even when piped (the turn belongs to the conversation); --no-save sends the history but keeps the file as it was', async () => {
    const {env, read} = await home([TRIP])
    const {bodies} = chat(streamed)
    expect((await run(Chat, ['-c', '--no-save', 'And June?'], {env, ...terminal})).exitCode).toBe(0)
    expect(bodies[0].messages).toEqual([...TRIP.messages, user('And June?')])
    expect(read(TRIP.id)).toEqual(TRIP)
  })

  it('a failed request leaves the conversation as it was', async () => {
    const {env, read} = await home([TRIP])
    chat({body: {error: {message: 'overloaded'}}, status: 500})
    const result = await run(Chat, ['-c', '--max-retries', '0', 'And June?'], {env})
    expect(result.exitCode).toBe(1)
    expect(read(TRIP.id)).toEqual(TRIP)
  })

  it('nothing to continue: exit 4; -c with --conversation, or with no message: exit 2', async () => {
    const {env} = await home()
    expect(await run(Chat, ['-c', 'hi'], {env})).toEqual({
      exitCode: 4,
      stderr:
        'Error: No saved conversation to continue: chats from a terminal are saved, others with --save (see: groq conversations list)\n',
      stdout: '',
    })
    expect(await run(Chat, ['--conversation', 'nope', 'hi'], {env})).toEqual({
      exitCode: 4,
      stderr: 'Error: No conversation "nope" (see: groq conversations list)\n',
      stdout: '',
    })
    expect((await run(Chat, ['-c', '--conversation', 'x', 'hi'], {env})).stderr).toBe(
      'Error: --continue and --conversation cannot be used together\n',
    )
    expect(await run(Chat, ['-c', '-s', 'x'], {env, stdin: ''})).toEqual({
      exitCode: 2,
      stderr: 'Error: No message to send: give a prompt, pipe text on stdin, or use --message/--messages\n',
      stdout: '',
    })
  })
})

describe('groq chat: an unreadable conversation file is an error naming it, and is never overwritten', () => {
  const BROKEN = '{"version": 1, "id": "mjzz0000-0000", "messages": ['
  const brokenId = 'mjzz0000-0000'

  it('--conversation ID: exit 1 naming the file, no request', async () => {
    const {env, path} = await home([TRIP])
    writeFileSync(path(brokenId), BROKEN)
    const result = await run(Chat, ['--conversation', brokenId, 'hi'], {env})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(
      new RegExp(
        `^Error: Conversation file ${path(brokenId)} is unreadable: not valid JSON \\(.+\\)\\. Fix or remove it \\(groq conversations rm ${brokenId}\\)\\n$`,
      ),
    )
    expect(readFileSync(path(brokenId), 'utf8')).toBe(BROKEN)
  })

  it('-c: an unreadable file written after the most recent conversation is an error; an older one is skipped', async () => {
    const {env, path, read} = await home([TRIP])
    writeFileSync(path(brokenId), BROKEN)
    const newer = await run(Chat, ['-c', 'hi'], {env})
    expect(newer.exitCode).toBe(1)
    expect(newer.stderr).toContain(`Error: Conversation file ${path(brokenId)} is unreadable`)
    expect(readFileSync(path(brokenId), 'utf8')).toBe(BROKEN)

    const before = new Date(Date.parse(TRIP.updated_at) - 60_000)
    utimesSync(path(brokenId), before, before)
    const {bodies} = chat(streamed)
    expect((await run(Chat, ['-c', 'And June?'], {env})).exitCode).toBe(0)
    expect(bodies[0].messages).toEqual([...TRIP.messages, user('And June?')])
    expect(read(TRIP.id).messages).toHaveLength(5)
    expect(readFileSync(path(brokenId), 'utf8')).toBe(BROKEN)
  })

  it('-c with only unreadable files: the error names the newest', async () => {
    const {env, path} = await home()
    mkdirSync(join(path(brokenId), '..'), {recursive: true})
    writeFileSync(path(brokenId), BROKEN)
    const result = await run(Chat, ['-c', 'hi'], {env})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Error: Conversation file ${path(brokenId)} is unreadable`)
  })
})

describe('groq chat: the interactive chat (-i, or no prompt on a terminal)', () => {
  it('-i with piped lines: every turn sends the history; the session is saved; the context window is looked up and cached', async () => {
    const {env, files, read} = await home()
    const info = modelInfo('test-model', 8192)
    const {bodies} = chat(streamed, streamed)
    const result = await run(Chat, ['-i', '-m', 'test-model', '-s', 'Be brief.', '--temperature', '0.5'], {
      env,
      stdin: 'hello\nand then?\n',
    })
    // Each answer ends in exactly one newline, as a one-shot answer does (the model's trailing blank line dropped).
    const shown = ANSWER.trimEnd() + '\n'
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: shown + shown})
    expect(info.isDone()).toBe(true)
    const system: ChatMessage = {content: 'Be brief.', role: 'system'}
    expect(bodies).toEqual([
      {messages: [system, user('hello')], model: 'test-model', stream: true, temperature: 0.5},
      {
        messages: [system, user('hello'), assistant(ANSWER), user('and then?')],
        model: 'test-model',
        stream: true,
        temperature: 0.5,
      },
    ])
    const [file] = files()
    expect(read(file.replace('.json', ''))).toMatchObject({
      messages: [system, user('hello'), assistant(ANSWER), user('and then?'), assistant(ANSWER)],
      model: 'test-model',
      params: {temperature: 0.5},
      usage: {completion_tokens: 42, prompt_tokens: 36, total_tokens: 78},
    })
    const cache = JSON.parse(readFileSync(modelCachePath(env), 'utf8'))
    expect(cache.entries['https://api.groq.com']['test-model'].context_window).toBe(8192)
  })

  it('no prompt on a terminal opens it (the default model from config); with --no-input it does not', async () => {
    const {env, files} = await home()
    modelInfo('qwen/qwen3-32b')
    const {bodies} = chat(streamed)
    const result = await run(Chat, [], {env, stdin: 'hello\n', ...terminal})
    // Rendered as markdown (stdout is a terminal): this answer has no markup, so only its trailing blank line goes.
    expect(result).toMatchObject({exitCode: 0, stdout: ANSWER.trimEnd() + '\n'})
    expect(bodies[0]).toEqual({messages: [user('hello')], model: 'qwen/qwen3-32b', stream: true})
    expect(files()).toHaveLength(1)

    const noInput = await run(Chat, ['--no-input'], {env, stdin: 'hello\n', ...terminal})
    expect(noInput).toEqual({
      exitCode: 2,
      stderr: 'Error: No message to send: give a prompt, pipe text on stdin, or use --message/--messages\n',
      stdout: '',
    })
  })

  it('-i "question" sends it as the first turn; --no-save keeps nothing; --stats prints a line per answer', async () => {
    const {env, files} = await home()
    modelInfo('llama-3.1-8b-instant')
    const {bodies} = chat(streamed, streamed)
    const result = await run(Chat, ['-i', '--no-save', '--stats', '-m', 'llama-3.1-8b-instant', 'first'], {
      env,
      stdin: 'second\n',
    })
    expect(result.exitCode).toBe(0)
    expect(bodies.map((body) => (body.messages as ChatMessage[]).at(-1))).toEqual([user('first'), user('second')])
    const stats = /^llama-3\.3-70b-versatile · 18 in, 21 out · first token \d+ ms · 1,200 tokens\/s · queued 37 ms$/
    expect(result.stderr.split('\n')).toEqual([expect.stringMatching(stats), expect.stringMatching(stats), ''])
    expect(files()).toEqual([])
  })

  it('--conversation NAME -i resumes it: its history is sent, and the same file is updated; --name names a new one', async () => {
    const {env, files, read} = await home([TRIP])
    modelInfo(TRIP.model)
    const {bodies} = chat(streamed)
    expect((await run(Chat, ['--conversation', 'trip', '-i'], {env, stdin: 'And June?\n'})).exitCode).toBe(0)
    expect(bodies[0]).toEqual({
      messages: [...TRIP.messages, user('And June?')],
      model: TRIP.model,
      stream: true,
      temperature: 0.2,
    })
    expect(files()).toEqual([`${TRIP.id}.json`])
    expect(read(TRIP.id)).toMatchObject({
      created_at: TRIP.created_at,
      messages: [...TRIP.messages, user('And June?'), assistant(ANSWER)],
      name: 'trip',
      usage: {completion_tokens: 27, prompt_tokens: 48, total_tokens: 75},
    })

    modelInfo('qwen/qwen3-32b')
    chat(streamed)
    expect((await run(Chat, ['-i', '--name', 'second'], {env, stdin: 'hi\n'})).exitCode).toBe(0)
    const id = files()
      .find((file) => file !== `${TRIP.id}.json`)!
      .replace('.json', '')
    expect(read(id)).toMatchObject({messages: [user('hi'), assistant(ANSWER)], name: 'second'})
  })

  it('refuses what does not fit the interactive chat: --json, -o ndjson, --messages -, --image (exit 2, no request)', async () => {
    const {env} = await home()
    const cases: Array<[string[], string]> = [
      [['-i', '--json'], '--json: not in the interactive chat (give a prompt for one answer)'],
      [['-i', '-o', 'ndjson'], '-o ndjson: not in the interactive chat (give a prompt for one answer)'],
      [['-i', '--messages', '-'], "--messages -: stdin is the interactive chat's input; give a file"],
      [
        ['-i', '--image', 'https://example.com/a.png'],
        '--image: not in the interactive chat; ask about an image in one question: groq chat --image FILE "…"',
      ],
    ]
    for (const [argv, message] of cases) {
      expect(await run(Chat, argv, {env, stdin: 'hi\n'})).toEqual({
        exitCode: 2,
        stderr: `Error: ${message}\n`,
        stdout: '',
      })
    }
  })
})
