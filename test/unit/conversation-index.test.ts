/**
 * The conversation store's index (src/lib/chat/conversation-index.ts): built when missing, trusted only where a
 * file's fingerprint matches, and brought up to date after files are copied in, removed, edited or touched by hand,
 * or the index itself is damaged; and `groq chat -c` after a `cp -r` of the store, whatever the files' times.
 */
import {cpSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Chat from '../../src/commands/chat.js'
import {serialize} from '../../src/lib/chat/conversation-file.js'
import {indexPath, scanStore} from '../../src/lib/chat/conversation-index.js'
import {ConversationStore} from '../../src/lib/chat/conversations.js'
import type {Conversation} from '../../src/lib/chat/types.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

/** Files are indexed once they are two seconds old: scans "now" are run this far ahead so that they are. */
const LATER = 60_000

function conversation(index: number, overrides: Partial<Conversation> = {}): Conversation {
  const id = `${String(index).padStart(8, '0')}-abcd`
  return {
    created_at: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    id,
    messages: [
      {content: `question ${index}`, role: 'user'},
      {content: `answer ${index}`, role: 'assistant'},
    ],
    model: 'llama-3.1-8b-instant',
    params: {},
    updated_at: new Date(Date.UTC(2026, 0, 1, 1, index)).toISOString(),
    usage: {completion_tokens: 2, prompt_tokens: 5, total_tokens: 7},
    version: 1,
    ...overrides,
  }
}

/** A store of `count` conversations written as the CLI writes them; conversation i was updated at minute i. */
function storeWith(count: number) {
  const {env} = tempHome()
  const store = ConversationStore.fromEnv(env)
  mkdirSync(store.dir, {recursive: true})
  const write = (item: Conversation) => writeFileSync(join(store.dir, `${item.id}.json`), serialize(item))
  for (let index = 0; index < count; index++) write(conversation(index))
  const scan = () => scanStore(store.dir, Date.now() + LATER)
  const index = () =>
    JSON.parse(readFileSync(indexPath(store.dir), 'utf8')) as {entries: Record<string, [string, unknown]>}
  return {env, index, scan, store, write}
}

const ids = (summaries: Array<{id: string}>) => summaries.map(({id}) => id)

describe('the conversation index', () => {
  it('is built beside the folder on the first scan (mode 0600), and gives what parsing every file gives', async () => {
    const {index, scan, store} = storeWith(5)
    const {summaries, unreadable} = await scan()
    expect(ids(summaries)).toEqual([
      '00000004-abcd',
      '00000003-abcd',
      '00000002-abcd',
      '00000001-abcd',
      '00000000-abcd',
    ])
    expect(summaries[0]).toEqual({
      created_at: '2026-01-01T00:04:00.000Z',
      id: '00000004-abcd',
      messages: 2,
      model: 'llama-3.1-8b-instant',
      name: null,
      updated_at: '2026-01-01T01:04:00.000Z',
      usage: {completion_tokens: 2, prompt_tokens: 5, total_tokens: 7},
    })
    expect(unreadable).toEqual([])
    expect(indexPath(store.dir)).toBe(`${store.dir}.index.json`)
    expect(Object.keys(index().entries).sort()).toEqual(ids(summaries).sort())
    expect(statSync(indexPath(store.dir)).mode & 0o777).toBe(0o600)
  })

  it('is what a scan reads while the files are as it says: an entry whose fingerprint matches is not read again', async () => {
    const {index, scan, store} = storeWith(3)
    await scan()
    // Change the summary in the index only: the files are untouched, so the index's word is taken.
    const data = index()
    const [fingerprint, summary] = data.entries['00000001-abcd'] as [string, Record<string, unknown>]
    data.entries['00000001-abcd'] = [fingerprint, {...summary, model: 'from-the-index'}]
    writeFileSync(indexPath(store.dir), JSON.stringify(data))
    expect((await scan()).summaries.find(({id}) => id === '00000001-abcd')?.model).toBe('from-the-index')
  })

  it('files copied in, removed, edited or touched by hand are read again; the result is always the files', async () => {
    const {scan, store, write} = storeWith(4)
    await scan()
    // Copied in (a conversation from another machine, updated later than all), one removed, one edited in place
    // (renamed, and updated last), one only touched.
    write(conversation(9))
    unlinkSync(join(store.dir, '00000000-abcd.json'))
    const edited = join(store.dir, '00000001-abcd.json')
    writeFileSync(edited, serialize(conversation(1, {name: 'edited', updated_at: '2026-02-01T00:00:00.000Z'})))
    const touched = join(store.dir, '00000002-abcd.json')
    utimesSync(touched, new Date(), new Date())
    const {summaries} = await scan()
    expect(ids(summaries)).toEqual(['00000001-abcd', '00000009-abcd', '00000003-abcd', '00000002-abcd'])
    expect(summaries[0].name).toBe('edited')
    // And broken by hand: reported, with the time it was written.
    writeFileSync(join(store.dir, '00000003-abcd.json'), '{"version": 1,')
    const after = await scan()
    expect(ids(after.summaries)).toEqual(['00000001-abcd', '00000009-abcd', '00000002-abcd'])
    expect(after.unreadable).toEqual([
      {
        id: '00000003-abcd',
        mtimeMs: statSync(join(store.dir, '00000003-abcd.json')).mtimeMs,
        reason: expect.stringMatching(/^not valid JSON/),
      },
    ])
  })

  it('is rewritten when what was read again is worth it: a rebuilt store, not one changed file of many', async () => {
    const {index, scan, store, write} = storeWith(40)
    await scan()
    const before = readFileSync(indexPath(store.dir), 'utf8')
    write(conversation(3, {name: 'one-change'}))
    expect((await scan()).summaries.find(({id}) => id === '00000003-abcd')?.name).toBe('one-change')
    expect(readFileSync(indexPath(store.dir), 'utf8')).toBe(before) // read again each time until more change
    for (let number = 0; number < 40; number++) write(conversation(number, {name: `renamed-${number}`}))
    await scan()
    expect((index().entries['00000003-abcd'][1] as {name: string}).name).toBe('renamed-3')
  })

  it('a file changed in the last two seconds is read but not indexed (a second change could keep its fingerprint)', async () => {
    const {index, store} = storeWith(2)
    expect(ids((await scanStore(store.dir)).summaries)).toEqual(['00000001-abcd', '00000000-abcd'])
    expect(() => index()).toThrow(/ENOENT/) // nothing settled yet: nothing to index
  })

  it('a missing, damaged or foreign index is rebuilt from the files', async () => {
    const {index, scan, store} = storeWith(3)
    for (const damage of [
      '',
      '{"version": 1, "entries": {"00000001-abcd": [',
      '{"version": 99, "entries": {}}',
      '[]',
    ]) {
      writeFileSync(indexPath(store.dir), damage)
      expect(ids((await scan()).summaries)).toEqual(['00000002-abcd', '00000001-abcd', '00000000-abcd'])
      expect(Object.keys(index().entries)).toHaveLength(3)
    }
    // An entry in a shape this version does not write is read again from its file.
    const data = index()
    data.entries['00000002-abcd'] = [data.entries['00000002-abcd'][0], {model: 7}]
    writeFileSync(indexPath(store.dir), JSON.stringify(data))
    expect((await scan()).summaries[0].model).toBe('llama-3.1-8b-instant')
    rmSync(indexPath(store.dir))
    expect((await scan()).summaries).toHaveLength(3)
  })

  it('a store whose index cannot be written is still read (from its files)', async () => {
    const {scan, store} = storeWith(2)
    mkdirSync(indexPath(store.dir)) // a directory where the index would go: writing it fails
    expect(ids((await scan()).summaries)).toEqual(['00000001-abcd', '00000000-abcd'])
  })
})

describe('groq chat -c after a cp -r of the store', () => {
  it("continues the conversation updated last, by updated_at, whatever the copies' file times", async () => {
    const {env: sourceEnv, scan, store} = storeWith(6)
    await scan() // the source has an index: it is copied along, its fingerprints no longer match
    const {configHome, dataHome, env} = tempHome()
    mkdirSync(join(configHome, 'groq'), {recursive: true})
    cpSync(join(sourceEnv.XDG_DATA_HOME!, 'groq'), join(dataHome, 'groq'), {recursive: true})
    // The copies' times in the opposite order of their updated_at: the oldest conversation looks newest on disk.
    const copied = ConversationStore.fromEnv(env).dir
    for (let index = 0; index < 6; index++) {
      const time = new Date(Date.now() - index * 60_000)
      utimesSync(join(copied, `${conversation(index).id}.json`), time, time)
    }
    expect(copied).not.toBe(store.dir)
    let sent: {messages: Array<{content: string}>} | undefined
    nock(API)
      .post('/openai/v1/chat/completions', (body) => {
        sent = body
        return true
      })
      .reply(200, {
        choices: [{finish_reason: 'stop', index: 0, message: {content: 'ok', role: 'assistant'}}],
        created: 1,
        id: 'c',
        model: 'llama-3.1-8b-instant',
        object: 'chat.completion',
      })
    const result = await run(Chat, ['-c', '--no-stream', 'and then?'], {env: {...env, GROQ_API_KEY: KEY}})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: 'ok\n'})
    expect(sent?.messages.map(({content}) => content)).toEqual(['question 5', 'answer 5', 'and then?'])
  })
})
