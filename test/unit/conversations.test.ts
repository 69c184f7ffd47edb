import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Conversation} from '../../src/lib/chat/types.js'
import {appendTurn, ConversationStore, serialize, summarize} from '../../src/lib/chat/conversations.js'
import {toMarkdown, toTranscript} from '../../src/lib/chat/transcript.js'
import {CliError} from '../../src/lib/core/errors.js'
import {tempHome} from '../helpers/run.js'

/** A store in a fresh XDG home whose clock reads the given times, one per call, then keeps the last. */
function storeAt(...times: string[]) {
  const {env} = tempHome()
  let call = 0
  const store = ConversationStore.fromEnv(env, {now: () => new Date(times[Math.min(call++, times.length - 1)])})
  return {env, store}
}

const T0 = '2026-01-02T03:04:05.000Z'
const T1 = '2026-01-02T03:05:00.000Z'
const T2 = '2026-01-02T04:00:00.000Z'

/** What a rejected promise threw, so a test can check its class, message and exit code together. */
async function failure(promise: Promise<unknown>): Promise<{exitCode?: number; message: string; name: string}> {
  try {
    await promise
  } catch (error) {
    const {exitCode, message, name} = error as CliError
    return {exitCode, message, name}
  }
  throw new Error('expected a rejection')
}

function conversation(id: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    created_at: T0,
    id,
    messages: [
      {content: 'Hi', role: 'user'},
      {content: 'Hello!', role: 'assistant'},
    ],
    model: 'llama-3.1-8b-instant',
    params: {},
    updated_at: T0,
    usage: {completion_tokens: 2, prompt_tokens: 5, total_tokens: 7},
    version: 1,
    ...overrides,
  }
}

describe('ConversationStore paths and create', () => {
  it('lives in $XDG_DATA_HOME/groq/conversations', () => {
    const {env} = tempHome()
    expect(ConversationStore.fromEnv(env).dir).toBe(join(env.XDG_DATA_HOME!, 'groq', 'conversations'))
    expect(ConversationStore.fromEnv({HOME: '/home/ada'}).dir).toBe('/home/ada/.local/share/groq/conversations')
  })

  it('create returns a fresh conversation with a short time-sortable id, and writes nothing until save', async () => {
    const {store} = storeAt(T0, T1)
    const first = await store.create({
      messages: [{content: 'Be brief.', role: 'system'}],
      model: 'm',
      params: {temperature: 0.2},
    })
    const second = await store.create({model: 'm'})
    expect(first).toEqual({
      created_at: T0,
      id: first.id,
      messages: [{content: 'Be brief.', role: 'system'}],
      model: 'm',
      params: {temperature: 0.2},
      updated_at: T0,
      usage: {completion_tokens: 0, prompt_tokens: 0, total_tokens: 0},
      version: 1,
    })
    expect(first.id).toMatch(/^[0-9a-z]{8}-[0-9a-z]{4}$/)
    expect(first.id.slice(0, 8)).toBe(Date.parse(T0).toString(36))
    expect(first.id < second.id).toBe(true)
    expect(() => readdirSync(store.dir)).toThrow(/ENOENT/)
  })

  it('ids created in the same millisecond still differ', async () => {
    const {store} = storeAt(T0)
    const ids = new Set<string>()
    for (let index = 0; index < 50; index++) {
      const created = await store.create({model: 'm'})
      await store.save(created)
      ids.add(created.id)
    }
    expect(ids.size).toBe(50)
    expect(readdirSync(store.dir)).toHaveLength(50)
  })

  it('refuses a name in use, a malformed name and a name shaped like an id (exit 2)', async () => {
    const {store} = storeAt(T0)
    await store.save(conversation('00000000-aaaa', {name: 'trip'}))
    expect(await failure(store.create({model: 'm', name: 'trip'}))).toEqual({
      exitCode: 2,
      message: 'The name "trip" is already used by conversation 00000000-aaaa',
      name: 'UsageError',
    })
    expect((await failure(store.create({model: 'm', name: 'has space'}))).exitCode).toBe(2)
    expect((await failure(store.create({model: 'm', name: '-x'}))).exitCode).toBe(2)
    expect((await failure(store.create({model: 'm', name: 'abcdefgh-ijkl'}))).message).toMatch(
      /^Invalid conversation name "abcdefgh-ijkl"/,
    )
    expect((await store.create({model: 'm', name: 'trip-2'})).name).toBe('trip-2')
  })
})

describe('ConversationStore save', () => {
  it('writes <id>.json with mode 0600 in a 0700 directory, keys in a fixed order, and loads it back', async () => {
    const {store} = storeAt(T0)
    const created = await store.create({model: 'm', name: 'trip', params: {temperature: 0.5}})
    await store.save(created)
    const path = join(store.dir, `${created.id}.json`)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(store.dir).mode & 0o777).toBe(0o700)
    expect(readFileSync(path, 'utf8')).toBe(
      `{\n  "version": 1,\n  "id": "${created.id}",\n  "name": "trip",\n  "model": "m",\n` +
        `  "created_at": "${T0}",\n  "updated_at": "${T0}",\n  "params": {\n    "temperature": 0.5\n  },\n` +
        '  "usage": {\n    "completion_tokens": 0,\n    "prompt_tokens": 0,\n    "total_tokens": 0\n  },\n  "messages": []\n}\n',
    )
    expect(await store.load(created.id)).toEqual(created)
    expect(readdirSync(store.dir)).toEqual([`${created.id}.json`])
  })

  it('keeps mode 0600 when it replaces a file that had become readable by others', async () => {
    const {store} = storeAt(T0)
    const saved = conversation('00000000-aaaa')
    await store.save(saved)
    const path = join(store.dir, '00000000-aaaa.json')
    const {chmodSync} = await import('node:fs')
    chmodSync(path, 0o644)
    await store.save(appendTurn(saved, {messages: [{content: 'More', role: 'user'}]}, new Date(T1)))
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('refuses to overwrite a file that exists but cannot be parsed, naming it, and leaves it byte for byte', async () => {
    const {store} = storeAt(T0)
    mkdirSync(store.dir, {recursive: true})
    const path = join(store.dir, '00000000-aaaa.json')
    writeFileSync(path, '{"version": 1, "id": "00000000-aa')
    expect(await failure(store.save(conversation('00000000-aaaa')))).toEqual({
      exitCode: 1,
      message:
        `Not overwriting conversation file ${path}: not valid JSON (Unterminated string in JSON at position 33). ` +
        'Fix or remove it (groq conversations rm 00000000-aaaa)',
      name: 'CliError',
    })
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "id": "00000000-aa')
  })

  it('refuses to overwrite valid JSON that is not a conversation it can read (a newer format, another id)', async () => {
    const {store} = storeAt(T0)
    mkdirSync(store.dir, {recursive: true})
    const newer = JSON.stringify({...conversation('00000000-aaaa'), version: 2})
    const moved = JSON.stringify(conversation('00000000-bbbb'))
    writeFileSync(join(store.dir, '00000000-aaaa.json'), newer)
    writeFileSync(join(store.dir, '00000000-cccc.json'), moved)
    expect((await failure(store.save(conversation('00000000-aaaa')))).message).toContain(
      'written by a newer version of groq (format version 2)',
    )
    expect((await failure(store.save(conversation('00000000-cccc')))).message).toContain(
      'its id "00000000-bbbb" does not match the file name',
    )
    expect(readFileSync(join(store.dir, '00000000-aaaa.json'), 'utf8')).toBe(newer)
    expect(readFileSync(join(store.dir, '00000000-cccc.json'), 'utf8')).toBe(moved)
  })

  it('refuses to give a conversation a name another one has', async () => {
    const {store} = storeAt(T0)
    await store.save(conversation('00000000-aaaa', {name: 'trip'}))
    await store.save(conversation('00000000-bbbb'))
    const error = await failure(store.save(conversation('00000000-bbbb', {name: 'trip'})))
    expect(error).toEqual({
      exitCode: 2,
      message: 'The name "trip" is already used by conversation 00000000-aaaa',
      name: 'UsageError',
    })
    expect((await store.load('00000000-bbbb')).name).toBeUndefined()
  })

  it('rejects an id that is not an id (no path tricks)', async () => {
    const {store} = storeAt(T0)
    expect(await failure(store.save(conversation('../../etc/x')))).toEqual({
      exitCode: 2,
      message: 'Invalid conversation id "../../etc/x"',
      name: 'UsageError',
    })
  })
})

describe('ConversationStore load and resolve', () => {
  async function seeded() {
    const {store} = storeAt(T0)
    await store.save(conversation('0000000a-aaaa', {name: 'trip'}))
    await store.save(conversation('0000000a-bbbb', {name: '0000000b'}))
    await store.save(conversation('0000000b-cccc', {name: '0000000a'}))
    return store
  }

  it('takes an exact id, then an exact name, then a unique id prefix', async () => {
    const store = await seeded()
    expect((await store.load('0000000a-bbbb')).id).toBe('0000000a-bbbb')
    expect((await store.load('trip')).id).toBe('0000000a-aaaa')
    expect((await store.load('0000000a-b')).id).toBe('0000000a-bbbb')
    expect((await store.load('0000000b-c')).id).toBe('0000000b-cccc')
    // A name wins over an ambiguous prefix and over a unique one.
    expect((await store.load('0000000a')).id).toBe('0000000b-cccc')
    expect((await store.load('0000000b')).id).toBe('0000000a-bbbb')
  })

  it('an ambiguous prefix is a usage error listing the matches with their names', async () => {
    const store = await seeded()
    expect(await failure(store.load('0000000'))).toEqual({
      exitCode: 2,
      message:
        '"0000000" matches 3 conversations: 0000000a-aaaa (trip), 0000000a-bbbb (0000000b), 0000000b-cccc (0000000a). Give more of the id',
      name: 'UsageError',
    })
  })

  it('nothing matching exits 4', async () => {
    const store = await seeded()
    expect(await failure(store.load('nope'))).toEqual({
      exitCode: 4,
      message: 'No conversation "nope" (see: groq conversations list)',
      name: 'CliError',
    })
    expect((await failure(storeAt(T0).store.load('anything'))).exitCode).toBe(4)
  })

  it('a corrupt file: load fails naming the path (exit 1), while resolve still finds its id', async () => {
    const store = await seeded()
    const path = join(store.dir, '0000000a-bbbb.json')
    writeFileSync(path, 'not json')
    const error = await failure(store.load('0000000a-b'))
    expect(error.exitCode).toBe(1)
    expect(error.message).toBe(
      `Conversation file ${path} is unreadable: not valid JSON (Unexpected token 'o', "not json" is not valid JSON). ` +
        'Fix or remove it (groq conversations rm 0000000a-bbbb)',
    )
    expect(await store.resolve('0000000a-b')).toBe('0000000a-bbbb')
    expect(readFileSync(path, 'utf8')).toBe('not json')
  })

  it('a name not found while some file could not be read says so', async () => {
    const store = await seeded()
    writeFileSync(join(store.dir, '0000000c-dddd.json'), '[]')
    expect((await failure(store.load('lost'))).message).toBe(
      'No conversation "lost" (see: groq conversations list); 1 unreadable conversation file was skipped',
    )
  })
})

describe('ConversationStore list, latest, remove, rename', () => {
  it('list is most recently updated first, skips unreadable files with a warning naming each, ignores other files', async () => {
    const {store} = storeAt(T0)
    await store.save(conversation('0000000a-aaaa', {updated_at: T1}))
    await store.save(conversation('0000000b-bbbb', {updated_at: T0}))
    await store.save(conversation('0000000c-cccc', {updated_at: T2}))
    writeFileSync(join(store.dir, '0000000d-dddd.json'), '')
    writeFileSync(
      join(store.dir, '0000000e-eeee.json'),
      JSON.stringify({...conversation('0000000e-eeee'), messages: [{content: 'x'}]}),
    )
    writeFileSync(join(store.dir, 'notes.txt'), 'mine')
    writeFileSync(join(store.dir, '.0000000a-aaaa.json.1234.tmp'), '{')
    const {conversations, warnings} = await store.list()
    expect(conversations.map((item) => item.id)).toEqual(['0000000c-cccc', '0000000a-aaaa', '0000000b-bbbb'])
    expect(warnings).toEqual([
      `Skipped ${join(store.dir, '0000000d-dddd.json')}: not valid JSON (Unexpected end of JSON input)`,
      `Skipped ${join(store.dir, '0000000e-eeee.json')}: messages[0] has no "role"`,
    ])
  })

  it('list of a store that does not exist yet is empty', async () => {
    expect(await storeAt(T0).store.list()).toEqual({conversations: [], warnings: []})
  })

  it('latest is the most recently updated, not the most recently created', async () => {
    const {store} = storeAt(T0, T1, T2)
    expect(await store.latest()).toEqual({conversation: undefined, warnings: []})
    const older = await store.create({model: 'm'})
    await store.save(older)
    const newer = await store.create({model: 'm'})
    await store.save(newer)
    expect((await store.latest()).conversation?.id).toBe(newer.id)
    await store.save(appendTurn(older, {messages: [{content: 'again', role: 'user'}]}, new Date(T2)))
    expect((await store.latest()).conversation?.id).toBe(older.id)
  })

  it('latest skips a corrupt file and reports it', async () => {
    const {store} = storeAt(T0)
    await store.save(conversation('0000000a-aaaa'))
    writeFileSync(join(store.dir, '0000000b-bbbb.json'), '{')
    const {conversation: found, warnings} = await store.latest()
    expect(found?.id).toBe('0000000a-aaaa')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(join(store.dir, '0000000b-bbbb.json'))
  })

  it('remove deletes the file, corrupt or not; a missing one exits 4', async () => {
    const {store} = storeAt(T0)
    await store.save(conversation('0000000a-aaaa'))
    writeFileSync(join(store.dir, '0000000b-bbbb.json'), '{')
    await store.remove('0000000a-aaaa')
    await store.remove('0000000b-bbbb')
    expect(readdirSync(store.dir)).toEqual([])
    expect((await failure(store.remove('0000000a-aaaa'))).exitCode).toBe(4)
  })

  it('rename sets and clears the name, keeping updated_at', async () => {
    const {store} = storeAt(T0)
    await store.save(conversation('0000000a-aaaa', {updated_at: T1}))
    const named = await store.rename('0000000a', 'trip')
    expect(named.name).toBe('trip')
    expect(await store.load('trip')).toEqual({...conversation('0000000a-aaaa', {updated_at: T1}), name: 'trip'})
    const cleared = await store.rename('trip', undefined)
    expect('name' in cleared).toBe(false)
    expect(await store.load('0000000a-aaaa')).toEqual(conversation('0000000a-aaaa', {updated_at: T1}))
  })
})

describe('appendTurn', () => {
  it('appends the messages, sums usage (nested numbers too) and bumps updated_at, without changing the original', () => {
    const original = conversation('0000000a-aaaa', {
      usage: {completion_tokens: 2, prompt_tokens: 5, queue_time: 0.5, total_tokens: 7},
    })
    const copy = structuredClone(original)
    const next = appendTurn(
      original,
      {
        messages: [
          {content: 'And?', role: 'user'},
          {content: 'Done.', role: 'assistant'},
        ],
        usage: {
          completion_tokens: 3,
          prompt_tokens: 20,
          prompt_tokens_details: {cached_tokens: 4},
          queue_time: 0.25,
          total_tokens: 23,
        },
      },
      new Date(T2),
    )
    expect(original).toEqual(copy)
    expect(next).toEqual({
      ...original,
      messages: [...original.messages, {content: 'And?', role: 'user'}, {content: 'Done.', role: 'assistant'}],
      updated_at: T2,
      usage: {
        completion_tokens: 5,
        prompt_tokens: 25,
        prompt_tokens_details: {cached_tokens: 4},
        queue_time: 0.75,
        total_tokens: 30,
      },
    })
  })

  it('records a change of model and parameters; no usage leaves the total as it was', () => {
    const next = appendTurn(
      conversation('0000000a-aaaa'),
      {messages: [], model: 'other', params: {seed: 1}},
      new Date(T1),
    )
    expect(next.model).toBe('other')
    expect(next.params).toEqual({seed: 1})
    expect(next.usage).toEqual({completion_tokens: 2, prompt_tokens: 5, total_tokens: 7})
  })
})

describe('rendering', () => {
  const rich = conversation('0000000a-aaaa', {
    messages: [
      {content: 'Be brief.', role: 'system'},
      {
        content: [
          {text: 'What is this?', type: 'text'},
          {image_url: {url: 'https://example.com/cat.png'}, type: 'image_url'},
          {image_url: {url: 'data:image/png;base64,AAAA'}, type: 'image_url'},
        ],
        role: 'user',
      },
      {
        content: null,
        role: 'assistant',
        tool_calls: [{function: {arguments: '{"q":"cat"}', name: 'search'}, id: 'call_1', type: 'function'}],
      },
      {content: '{"hits": 1}', role: 'tool', tool_call_id: 'call_1'},
      {content: 'A cat.', role: 'assistant'},
    ],
    name: 'cats',
    params: {temperature: 0.2},
  })

  it('toMarkdown: title, metadata, one section per message, tool data fenced', () => {
    expect(toMarkdown(rich)).toBe(
      [
        '# cats',
        '',
        '- id: `0000000a-aaaa`',
        '- model: `llama-3.1-8b-instant`',
        `- created: ${T0}`,
        `- updated: ${T0}`,
        '- parameters: `{"temperature":0.2}`',
        '- tokens: 7 (prompt 5, completion 2)',
        '',
        '## System',
        '',
        'Be brief.',
        '',
        '## User',
        '',
        'What is this?',
        '[image: https://example.com/cat.png]',
        '[image: data:image/png;base64,… (26 chars)]',
        '',
        '## Assistant',
        '',
        'Tool call `search` (`call_1`):',
        '',
        '```json',
        '{"q":"cat"}',
        '```',
        '',
        '## Tool (`call_1`)',
        '',
        '```',
        '{"hits": 1}',
        '```',
        '',
        '## Assistant',
        '',
        'A cat.',
        '',
      ].join('\n'),
    )
  })

  it('toMarkdown: an unnamed conversation is titled by its id; fences outgrow backticks inside', () => {
    const markdown = toMarkdown(
      conversation('0000000a-aaaa', {messages: [{content: 'see ```x```', role: 'tool', tool_call_id: 'c'}]}),
    )
    expect(markdown.startsWith('# Conversation 0000000a-aaaa\n')).toBe(true)
    expect(markdown).toContain('````\nsee ```x```\n````\n')
  })

  it('toTranscript: [role] headers, tool calls as arrows', () => {
    expect(toTranscript(rich)).toBe(
      [
        '[system]',
        'Be brief.',
        '',
        '[user]',
        'What is this?',
        '[image: https://example.com/cat.png]',
        '[image: data:image/png;base64,… (26 chars)]',
        '',
        '[assistant]',
        '-> search({"q":"cat"})',
        '',
        '[tool call_1]',
        '{"hits": 1}',
        '',
        '[assistant]',
        'A cat.',
        '',
      ].join('\n'),
    )
  })

  it('summarize and serialize', () => {
    expect(summarize(rich)).toEqual({
      created_at: T0,
      id: '0000000a-aaaa',
      messages: 5,
      model: 'llama-3.1-8b-instant',
      name: 'cats',
      title: 'cats',
      updated_at: T0,
      usage: {completion_tokens: 2, prompt_tokens: 5, total_tokens: 7},
    })
    expect(JSON.parse(serialize(rich))).toEqual(rich)
    expect(Object.keys(JSON.parse(serialize(rich)))).toEqual([
      'version',
      'id',
      'name',
      'model',
      'created_at',
      'updated_at',
      'params',
      'usage',
      'messages',
    ])
  })
})
