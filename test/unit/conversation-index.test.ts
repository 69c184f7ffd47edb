/**
 * The conversation store's index (src/lib/chat/conversation-index.ts): built when missing; verified against every
 * file (copied in, removed, edited, touched or broken by hand); trusted without a stat per file only while the folder
 * shows no change it did not record, groq's own saves and removals being recorded; rebuilt when damaged. And
 * `groq chat -c` after a `cp -r` of the store, whatever the copies' file times.
 */
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Chat from '../../src/commands/chat.js'
import {serialize, sortNewestFirst} from '../../src/lib/chat/conversation-file.js'
import {indexPath, latestInStore, scanStore} from '../../src/lib/chat/conversation-index.js'
import {appendTurn, ConversationStore} from '../../src/lib/chat/conversations.js'
import {latestConversation} from '../../src/lib/chat/session.js'
import type {Conversation} from '../../src/lib/chat/types.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

/** Files are indexed as settled once two seconds old: verifications run this far "ahead" so that they are. */
const LATER = 60_000

function conversation(index: number, overrides: Partial<Conversation> = {}): Conversation {
  return {
    created_at: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    id: `${String(index).padStart(8, '0')}-abcd`,
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

const idOf = (index: number) => conversation(index).id

/** A store of `count` conversations written by hand (not through the store); conversation i updated at minute i. */
function storeWith(count: number) {
  const {env} = tempHome()
  const store = ConversationStore.fromEnv(env)
  mkdirSync(store.dir, {recursive: true})
  const write = (item: Conversation) => writeFileSync(join(store.dir, `${item.id}.json`), serialize(item))
  for (let index = 0; index < count; index++) write(conversation(index))
  const verify = () => scanStore(store.dir, {now: Date.now() + LATER})
  const text = () => readFileSync(indexPath(store.dir), 'utf8')
  /** An entry's JSON in a line of the index: a body line (`[...]`, maybe a comma after) or an appended `E` line. */
  const entryJson = (line: string) =>
    line.startsWith('E\t') ? line.slice(2, -2) : line.startsWith('["') ? line.replace(/,$/, '') : undefined
  /**
   * The index's entries by id (the last line wins): [id, size, mtimeMs, ctimeMs, ino, updated_at, created_at,
   * messages, model, name, title, usage], or [id, size, mtimeMs, ctimeMs, ino, '', reason].
   */
  const entries = () => {
    const found = new Map<string, unknown[]>()
    for (const line of text().split('\n')) {
      const json = entryJson(line)
      if (json === undefined) continue
      const entry = JSON.parse(json) as unknown[]
      found.set(entry[0] as string, entry)
    }
    return found
  }
  /** Replaces the payload (the summary) of one entry in the index, leaving its fingerprint. */
  const editIndex = (id: string, change: (summary: Record<string, unknown>) => void) => {
    const lines = text().split('\n')
    const at = lines.findLastIndex((line) => entryJson(line)?.startsWith(`["${id}",`))
    const entry = JSON.parse(entryJson(lines[at])!) as unknown[]
    const summary: Record<string, unknown> = {
      created_at: entry[6],
      id,
      messages: entry[7],
      model: entry[8],
      name: entry[9],
      title: entry[10],
      updated_at: entry[5],
      usage: entry[11],
    }
    change(summary)
    if (entry[5] !== '') {
      const fields = ['updated_at', 'created_at', 'messages', 'model', 'name', 'title', 'usage']
      for (const [offset, key] of fields.entries()) entry[5 + offset] = summary[key]
    }
    const before = Buffer.byteLength(lines[at])
    const json = JSON.stringify(entry)
    lines[at] = lines[at].startsWith('E\t') ? `E\t${json}\t.` : lines[at].endsWith(',') ? `${json},` : json
    // The header says where the body ends: moved by as much as an entry in the body grew.
    const header = lines[0].split('\t')
    if (Buffer.byteLength(lines.slice(0, at).join('\n')) < Number(header[2]))
      header[2] = String(Number(header[2]) + Buffer.byteLength(lines[at]) - before)
    lines[0] = header.join('\t')
    writeFileSync(indexPath(store.dir), lines.join('\n'))
  }
  return {editIndex, entries, env, store, text, verify, write}
}

const ids = (summaries: Array<{id: string}>) => summaries.map(({id}) => id)
const trusted = (dir: string) => latestInStore(dir, {trust: true})

describe('the conversation index, verified', () => {
  it('is built beside the folder on the first scan (mode 0600) and gives what parsing every file gives', async () => {
    const {entries, store, text, verify} = storeWith(5)
    const {summaries, unreadable} = await verify()
    expect(ids(summaries)).toEqual([4, 3, 2, 1, 0].map(idOf))
    expect(summaries[0]).toEqual({
      created_at: '2026-01-01T00:04:00.000Z',
      id: idOf(4),
      messages: 2,
      model: 'llama-3.1-8b-instant',
      name: null,
      title: 'question 4',
      updated_at: '2026-01-01T01:04:00.000Z',
      usage: {completion_tokens: 2, prompt_tokens: 5, total_tokens: 7},
    })
    expect(unreadable).toEqual([])
    expect(indexPath(store.dir)).toBe(`${store.dir}.index`)
    // The header, then the body: one JSON array, an entry a line.
    expect(text()).toMatch(
      /^groq conversation index 6\t[\d.]+:[\d.]+:\d+\t\d+\t5\t\.\n\[\n(\["[^\n]+\],\n){4}\["[^\n]+\]\n\]\n$/,
    )
    expect([...entries().keys()].sort()).toEqual(ids(summaries).sort())
    expect(statSync(indexPath(store.dir)).mode & 0o777).toBe(0o600)
  })

  it('takes an entry as it is while its file matches the fingerprint', async () => {
    const {editIndex, verify} = storeWith(3)
    await verify()
    editIndex(idOf(1), (summary) => (summary.model = 'from-the-index'))
    expect((await verify()).summaries.find(({id}) => id === idOf(1))?.model).toBe('from-the-index')
  })

  it('lists newest first whether or not the index order still holds', async () => {
    const {editIndex, store, text, verify, write} = storeWith(5)
    await verify()
    // A save appended after the body: conversation 1 is now the newest, but sits in the body's order.
    const newest = new ConversationStore(store.dir)
    await newest.save(conversation(1, {updated_at: '2027-01-01T00:00:00.000Z'}))
    expect(ids((await verify()).summaries)).toEqual([1, 4, 3, 2, 0].map(idOf))
    // A file edited by hand to an older time: read again, kept in its place, sorted down.
    write(conversation(4, {updated_at: '2025-01-01T00:00:00.000Z'}))
    expect(ids((await verify()).summaries)).toEqual([1, 3, 2, 0, 4].map(idOf))
    // The body itself out of order (edited by hand, the fingerprints kept): still sorted.
    rmSync(indexPath(store.dir))
    await verify()
    const lines = text().split('\n')
    expect(lines[2]).toContain(`["${idOf(1)}",`)
    editIndex(idOf(1), (summary) => (summary.updated_at = '2024-01-01T00:00:00.000Z'))
    expect(ids((await verify()).summaries)).toEqual([3, 2, 0, 4, 1].map(idOf))
    // The same time: the later id first.
    editIndex(idOf(1), (summary) => (summary.updated_at = conversation(3).updated_at))
    expect(ids((await verify()).summaries)).toEqual([3, 1, 2, 0, 4].map(idOf))
  })

  it('reads again the files copied in, edited, touched or broken by hand, and drops the removed ones', async () => {
    const {store, verify, write} = storeWith(4)
    await verify()
    write(conversation(9)) // copied in from elsewhere
    unlinkSync(join(store.dir, `${idOf(0)}.json`))
    // Edited in place: renamed, and updated last.
    writeFileSync(
      join(store.dir, `${idOf(1)}.json`),
      serialize(conversation(1, {name: 'edited', updated_at: '2026-02-01T00:00:00.000Z'})),
    )
    utimesSync(join(store.dir, `${idOf(2)}.json`), new Date(), new Date())
    const {summaries} = await verify()
    expect(ids(summaries)).toEqual([1, 9, 3, 2].map(idOf))
    expect(summaries[0].name).toBe('edited')
    writeFileSync(join(store.dir, `${idOf(3)}.json`), '{"version": 1,')
    const after = await verify()
    expect(ids(after.summaries)).toEqual([1, 9, 2].map(idOf))
    expect(after.unreadable).toEqual([
      {
        id: idOf(3),
        mtimeMs: statSync(join(store.dir, `${idOf(3)}.json`)).mtimeMs,
        reason: expect.stringMatching(/^not valid JSON/),
      },
    ])
  })

  it('records a few changes by appending to the index, and rewrites it when many changed', async () => {
    const {entries, text, verify, write} = storeWith(80)
    await verify()
    const built = text()
    write(conversation(3, {name: 'one-change'}))
    expect((await verify()).summaries.find(({id}) => id === idOf(3))?.name).toBe('one-change')
    expect(text().startsWith(built)).toBe(true)
    expect(text().slice(built.length)).toMatch(/^\nV\t[\d.:]+\t\.\nE\t\["00000003-abcd",[^\n]+\t\.\n$/)
    for (let number = 0; number < 80; number++) write(conversation(number, {name: `renamed-${number}`}))
    await verify()
    expect(text()).not.toContain('\nV\t')
    expect(entries().get(idOf(3))![9]).toBe('renamed-3')
  })

  it('a file changed in the last two seconds is read, and read again next time (its fingerprint is not kept)', async () => {
    const {editIndex, entries, store} = storeWith(2)
    const now = () => scanStore(store.dir)
    expect(ids((await now()).summaries)).toEqual([1, 0].map(idOf))
    expect(entries().get(idOf(1))![4]).toBe(-1)
    editIndex(idOf(1), (summary) => (summary.model = 'stale'))
    expect((await now()).summaries[0].model).toBe('llama-3.1-8b-instant')
  })

  it('a missing, damaged, cut or foreign index is rebuilt from the files', async () => {
    const {editIndex, store, text, verify} = storeWith(3)
    await verify()
    const cut = text().slice(0, text().length - 40)
    for (const damage of ['', 'groq conversation index 99\t\n', '{"version": 1}', cut]) {
      writeFileSync(indexPath(store.dir), damage)
      expect(ids((await verify()).summaries)).toEqual([2, 1, 0].map(idOf))
    }
    editIndex(idOf(2), (summary) => (summary.model = 'kept'))
    rmSync(indexPath(store.dir))
    expect((await verify()).summaries[0].model).toBe('llama-3.1-8b-instant')
  })

  it('a body line damaged by hand (not JSON, or not an entry) means rebuilding from the files', async () => {
    const {store, text, verify} = storeWith(3)
    await verify()
    const whole = text()
    const damages = [
      '{"not":"an entry"}',
      '["00000001-abcd",1,2,3,4,"x"',
      '["00000001-abcd",1,2,3,4,"",7]',
      '["00000001-abcd",1,2,3,4,"2026-01-01T01:01:00.000Z","2026-01-01T00:01:00.000Z",2,"m",null,"t",[]]',
      '["00000001-abcd",1,2,3,4,"2026-01-01T01:01:00.000Z","2026-01-01T00:01:00.000Z",2,"m",null,"t",{}],[]',
    ]
    for (const damage of damages) {
      const lines = whole.split('\n')
      lines[2] = `${damage.padEnd(lines[2].length - 1)},` // the same length: the header's offsets still hold
      writeFileSync(indexPath(store.dir), lines.join('\n'))
      expect(ids((await verify()).summaries)).toEqual([2, 1, 0].map(idOf))
      expect(text()).toBe(whole.replace(/^([^\t]+\t)[^\t]+/, `$1${text().split('\t')[1]}`))
    }
  })

  it('keeps titles past ASCII as they are, and only files named like conversations', async () => {
    const {store, text, verify, write} = storeWith(1)
    write(conversation(2, {messages: [{content: 'Grüße — “quoted” 日本語 🚀', role: 'user'}]}))
    for (const name of ['0000000A-abcd.json', '00000003-abcd.json.bak', '00000003_abcd.json', 'x00000003-abcd.json'])
      writeFileSync(join(store.dir, name), serialize(conversation(3)))
    const {summaries, unreadable} = await verify()
    expect(summaries.map(({id, title}) => [id, title])).toEqual([
      [idOf(2), 'Grüße — “quoted” 日本語 🚀'],
      [idOf(0), 'question 0'],
    ])
    expect(unreadable).toEqual([])
    expect([...text()].every((char) => char.charCodeAt(0) < 128)).toBe(true) // ASCII: read as Latin-1, one byte a char
    expect((await verify()).summaries).toEqual(summaries) // the same from the index
  })

  it('a store whose index cannot be written is still read, from its files', async () => {
    const {store, verify} = storeWith(2)
    mkdirSync(indexPath(store.dir)) // a directory where the index would go
    expect(ids((await verify()).summaries)).toEqual([1, 0].map(idOf))
    expect(await trusted(store.dir)).toEqual({
      latest: {id: idOf(1), updated_at: conversation(1).updated_at},
      unreadable: [],
    })
  })
})

describe('the conversation index, trusted (chat -c, names)', () => {
  it('is taken as it is while the folder shows no change: a file edited in place is seen at the next verification', async () => {
    const {store, verify} = storeWith(3)
    await verify()
    // Rewritten in place (the same inode, so the folder does not change), now updated last.
    const path = join(store.dir, `${idOf(0)}.json`)
    writeFileSync(path, serialize(conversation(0, {updated_at: '2027-01-01T00:00:00.000Z'})))
    expect((await trusted(store.dir)).latest?.id).toBe(idOf(2))
    expect((await verify()).summaries[0].id).toBe(idOf(0))
    expect((await trusted(store.dir)).latest?.id).toBe(idOf(0))
  })

  it('what the store answers from it is checked against the file: the latest and names rewritten in place', async () => {
    const {env, store, verify} = storeWith(3)
    await verify()
    const groq = ConversationStore.fromEnv(env)
    // The latest conversation rewritten in place to an older updated_at, and given a name: -c takes the next one.
    writeFileSync(
      join(store.dir, `${idOf(2)}.json`),
      serialize(conversation(2, {name: 'renamed-by-hand', updated_at: '2025-01-01T00:00:00.000Z'})),
    )
    expect((await trusted(store.dir)).latest?.id).toBe(idOf(2)) // the index alone is behind
    expect((await latestConversation(groq)).id).toBe(idOf(1))
    expect(await groq.resolve('renamed-by-hand')).toBe(idOf(2))
    // A name taken away in place is no longer found, though the index last saw it.
    await groq.rename(idOf(1), 'kept')
    writeFileSync(join(store.dir, `${idOf(1)}.json`), serialize(conversation(1)))
    await expect(groq.resolve('kept')).rejects.toThrow('No conversation "kept"')
    // And a name given in place is taken when another conversation is named.
    writeFileSync(join(store.dir, `${idOf(0)}.json`), serialize(conversation(0, {name: 'taken'})))
    await expect(groq.rename(idOf(1), 'taken')).rejects.toThrow(`already used by conversation ${idOf(0)}`)
  })

  it('stays right under parallel saves, removals and verifications (any order of their lines)', async () => {
    const {env, store, verify} = storeWith(40)
    await verify()
    const groq = ConversationStore.fromEnv(env)
    for (let round = 0; round < 3; round++) {
      const work: Array<Promise<unknown>> = []
      for (let index = 0; index < 12; index++) {
        const number = 100 * (round + 1) + index
        work.push(
          groq.save(conversation(number, {updated_at: new Date(Date.UTC(2027, round, 1, 0, index)).toISOString()})),
        )
        if (index % 3 === 0) work.push(groq.remove(idOf(round * 12 + index)))
        if (index % 4 === 0) work.push(scanStore(store.dir), trusted(store.dir))
        // Turns added at once to one conversation, under its lock (parallel `chat -c`).
        if (index % 2 === 0)
          work.push(groq.addTurn(conversation(39), {messages: [{content: `turn ${round} ${index}`, role: 'user'}]}))
      }
      await Promise.all(work)
      // The truth: every file parsed.
      const truth = readdirSync(store.dir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => JSON.parse(readFileSync(join(store.dir, name), 'utf8')) as Conversation)
        .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || (a.id < b.id ? 1 : -1))
      expect((await trusted(store.dir)).latest?.id).toBe(truth[0].id)
      expect((await latestConversation(groq)).id).toBe(truth[0].id)
      const fromTrusted = (await scanStore(store.dir, {trust: true})).summaries
      expect(ids(fromTrusted)).toEqual(ids(truth))
      expect(fromTrusted.find(({id}) => id === idOf(39))?.messages).toBe(2 + 6 * (round + 1))
      expect((await verify()).summaries).toEqual(fromTrusted)
    }
  })

  it("follows groq's own saves and removals without verifying, and verifies after any other change", async () => {
    const {editIndex, env, store, text, verify, write} = storeWith(3)
    await verify()
    const groq = ConversationStore.fromEnv(env)
    await groq.save(appendTurn(conversation(0), {messages: [{content: 'again', role: 'user'}]}, new Date('2027-01-01')))
    expect(text()).toMatch(/\nF\t[\d.:]+\t[\d.:]+\t\.\nE\t\["00000000-abcd",[^\n]+\t\.\n$/)
    // Proof that nothing was verified: an entry changed in the index alone is still taken.
    editIndex(idOf(2), (summary) => (summary.updated_at = '2028-01-01T00:00:00.000Z'))
    expect((await trusted(store.dir)).latest?.id).toBe(idOf(2))
    editIndex(idOf(2), (summary) => (summary.updated_at = conversation(2).updated_at))
    expect((await trusted(store.dir)).latest).toEqual({id: idOf(0), updated_at: '2027-01-01T00:00:00.000Z'})
    await groq.remove(idOf(0))
    expect(text()).toMatch(/\nD\t00000000-abcd\t\.\n$/)
    expect((await trusted(store.dir)).latest?.id).toBe(idOf(2))
    // A file copied in by hand changes the folder: the index is verified, and the copy found.
    write(conversation(7, {updated_at: '2029-01-01T00:00:00.000Z'}))
    expect((await trusted(store.dir)).latest?.id).toBe(idOf(7))
  })

  it('reads only the top of its body for the latest: entries removed or made older since are passed over', async () => {
    const {env, store, verify} = storeWith(5)
    writeFileSync(join(store.dir, `${idOf(8)}.json`), '{"version": 1,') // unusable: indexed first, always looked at
    await verify()
    const groq = ConversationStore.fromEnv(env)
    const latest = async () => {
      const {latest: found, unreadable} = await trusted(store.dir)
      expect(unreadable.map(({id}) => id)).toEqual([idOf(8)])
      return found?.id
    }
    expect(await latest()).toBe(idOf(4))
    await groq.remove(idOf(4))
    expect(await latest()).toBe(idOf(3))
    await groq.save(conversation(3, {updated_at: '2025-01-01T00:00:00.000Z'}))
    expect(await latest()).toBe(idOf(2))
    await groq.save(conversation(1, {updated_at: '2027-01-01T00:00:00.000Z'}))
    expect(await latest()).toBe(idOf(1))
    expect((await verify()).summaries.map(({id}) => id)).toEqual([1, 2, 0, 3].map(idOf))
  })

  it('whose top is longer than what is read of it first (many unusable files) is read whole', async () => {
    const {store, verify} = storeWith(2)
    for (let index = 0; index < 600; index++)
      writeFileSync(join(store.dir, `${String(index + 10).padStart(8, '0')}-abcd.json`), '{"version": 1,')
    await verify()
    expect(statSync(indexPath(store.dir)).size).toBeGreaterThan(64 * 1024)
    const {latest, unreadable} = await trusted(store.dir)
    expect(latest?.id).toBe(idOf(1))
    expect(unreadable).toHaveLength(600)
  })

  it('a change made between two of its saves (the chain of folder states broken) means verifying', async () => {
    const {env, store, text, verify, write} = storeWith(2)
    await verify()
    const groq = ConversationStore.fromEnv(env)
    await groq.save(conversation(5))
    write(conversation(6, {updated_at: '2029-01-01T00:00:00.000Z'})) // by hand, between two saves
    await groq.save(conversation(7))
    // The last line leaves the folder as it is, but the one before it did not lead to where the last one started.
    expect((await trusted(store.dir)).latest?.id).toBe(idOf(6))
    // Verified: the folder recorded again, with what changed (the file written by hand among them).
    expect(text().slice(text().lastIndexOf('\nV\t'))).toMatch(/^\nV\t[\d.:]+\t\.\n(E\t.+\n)*E\t\["00000006-abcd",/)
  })

  it('a line cut short (a crash while appending) means verifying and rewriting', async () => {
    const {env, store, text, verify, write} = storeWith(2)
    await verify()
    await ConversationStore.fromEnv(env).save(conversation(5))
    write(conversation(6))
    const whole = text()
    // The save's line cut before its end, after which the folder was changed (by the file written by hand).
    writeFileSync(indexPath(store.dir), whole.slice(0, whole.lastIndexOf('\t.\n')))
    appendFileSync(indexPath(store.dir), `\nF\t${whole.match(/\nF\t[^\t]+\t([^\t]+)\t/)![1]}\t-\t.\n`)
    expect(ids((await scanStore(store.dir, {trust: true})).summaries)).toEqual([6, 5, 1, 0].map(idOf))
    expect(text()).not.toMatch(/\n[FV]\t/)
  })
})

describe('groq chat -c after a cp -r of the store', () => {
  it("continues the conversation updated last, by updated_at, whatever the copies' file times", async () => {
    const {env: sourceEnv, verify} = storeWith(6)
    await verify() // the source has an index: it is copied along, and no longer matches the copies
    const {configHome, dataHome, env} = tempHome()
    mkdirSync(join(configHome, 'groq'), {recursive: true})
    cpSync(join(sourceEnv.XDG_DATA_HOME!, 'groq'), join(dataHome, 'groq'), {recursive: true})
    // The copies' times in the opposite order of their updated_at: the oldest conversation looks newest on disk.
    const copied = ConversationStore.fromEnv(env).dir
    for (let index = 0; index < 6; index++) {
      const time = new Date(Date.now() - index * 60_000)
      utimesSync(join(copied, `${idOf(index)}.json`), time, time)
    }
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

describe('sortNewestFirst', () => {
  const item = (id: string, updated_at: string) => ({id, updated_at})
  it('returns items already in order as they are, and sorts the others (ties: the later id first)', () => {
    const sorted = [
      item('b', '2026-01-02T00:00:00.000Z'),
      item('c', '2026-01-01T00:00:00+00:00'), // the same time as the next, written otherwise
      item('a', '2026-01-01T00:00:00.000Z'),
    ]
    expect(sortNewestFirst(sorted)).toBe(sorted)
    const shuffled = [sorted[2], sorted[0], sorted[1]]
    expect(sortNewestFirst(shuffled)).toEqual(sorted)
    expect(sortNewestFirst([sorted[0], sorted[2], sorted[1]])).toEqual(sorted) // a tie out of order
    expect(sortNewestFirst([item('x', '2025-01-01T00:00:00.000Z'), sorted[0]])).toEqual([
      sorted[0],
      item('x', '2025-01-01T00:00:00.000Z'),
    ])
    expect(sortNewestFirst([])).toEqual([])
  })
})
