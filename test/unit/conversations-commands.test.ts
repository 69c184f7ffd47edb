import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import ConversationsExport from '../../src/commands/conversations/export.js'
import ConversationsList from '../../src/commands/conversations/list.js'
import ConversationsRename from '../../src/commands/conversations/rename.js'
import ConversationsRm from '../../src/commands/conversations/rm.js'
import ConversationsShow from '../../src/commands/conversations/show.js'
import type {Conversation} from '../../src/lib/chat/types.js'
import {ConversationStore} from '../../src/lib/chat/conversations.js'
import {expectedSummary} from '../helpers/fixtures.js'
import {expectListModes} from '../helpers/list-modes.js'
import {run, tempHome} from '../helpers/run.js'

const TRIP: Conversation = {
  created_at: '2026-01-02T03:04:05.000Z',
  id: 'mjwh0a2t-k3q9',
  messages: [
    {content: 'Be brief.', role: 'system'},
    {content: 'Best month for Lisbon?', role: 'user'},
    {content: 'May or September.', role: 'assistant'},
  ],
  model: 'llama-3.3-70b-versatile',
  name: 'trip',
  params: {temperature: 0.2},
  updated_at: '2026-01-02T03:10:00.000Z',
  usage: {completion_tokens: 6, prompt_tokens: 30, total_tokens: 36},
  version: 1,
}

const QUICK: Conversation = {
  created_at: '2026-01-03T10:00:00.000Z',
  id: 'mjxv2b7c-0a1b',
  messages: [
    {content: 'Say hi', role: 'user'},
    {content: 'Hi', role: 'assistant'},
  ],
  model: 'llama-3.1-8b-instant',
  params: {},
  updated_at: '2026-01-03T10:00:01.000Z',
  usage: {completion_tokens: 1, prompt_tokens: 9, total_tokens: 10},
  version: 1,
}

const SUMMARIES = [expectedSummary(QUICK, 'Say hi'), expectedSummary(TRIP, 'trip')]

/** An XDG home holding TRIP and QUICK, and no API key anywhere: none of these commands needs one. */
async function home() {
  const {env, root} = tempHome()
  const store = ConversationStore.fromEnv(env)
  await store.save(TRIP)
  await store.save(QUICK)
  const path = (id: string) => join(store.dir, `${id}.json`)
  return {dir: store.dir, env, path, root}
}

describe('conversations list', () => {
  it('prints tab-separated rows, most recently updated first, when piped', async () => {
    const {env} = await home()
    expect(await run(ConversationsList, [], {env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout:
        'mjxv2b7c-0a1b\tSay hi\tllama-3.1-8b-instant\t2\t2026-01-03T10:00:01.000Z\n' +
        'mjwh0a2t-k3q9\ttrip\tllama-3.3-70b-versatile\t3\t2026-01-02T03:10:00.000Z\n',
    })
  })

  it('the four modes: a title and UTC dates in the table; rows, summaries and ISO times otherwise', async () => {
    const {env} = await home()
    await expectListModes(ConversationsList, [], {
      env,
      json: SUMMARIES,
      ndjson: SUMMARIES,
      table: [
        'ID             TITLE   MODEL                    MESSAGES  UPDATED (UTC)',
        'mjxv2b7c-0a1b  Say hi  llama-3.1-8b-instant     2         2026-01-03 10:00',
        'mjwh0a2t-k3q9  trip    llama-3.3-70b-versatile  3         2026-01-02 03:10',
      ],
      tsv: [
        ['mjxv2b7c-0a1b', 'Say hi', 'llama-3.1-8b-instant', '2', '2026-01-03T10:00:01.000Z'],
        ['mjwh0a2t-k3q9', 'trip', 'llama-3.3-70b-versatile', '3', '2026-01-02T03:10:00.000Z'],
      ],
    })
  })

  it('a title is the name, else the start of the first user message: whitespace collapsed, cut at 60 in rows', async () => {
    const {env} = tempHome()
    const store = ConversationStore.fromEnv(env)
    const question =
      'Why does\n\tthe sky look blue at noon but red at sunset, and what does Rayleigh scattering have to do with it?'
    const parts = [
      {text: 'Describe this photo', type: 'text'},
      {image_url: {url: 'https://x/y.png'}, type: 'image_url'},
    ]
    await store.save({
      ...QUICK,
      id: 'mjxv2b7c-0a1c',
      messages: [
        {content: 'Be brief.', role: 'system'},
        {content: question, role: 'user'},
      ],
    })
    await store.save({
      ...QUICK,
      id: 'mjxv2b7c-0a1d',
      messages: [{content: parts, role: 'user'}],
      updated_at: '2026-01-04T00:00:00.000Z',
    })
    await store.save({
      ...QUICK,
      id: 'mjxv2b7c-0a1e',
      messages: [{content: 'Hello', role: 'system'}],
      updated_at: '2026-01-05T00:00:00.000Z',
    })
    const long = 'Why does the sky look blue at noon but red at sunset, and w…'
    expect((await run(ConversationsList, [], {env})).stdout.split('\n').map((row) => row.split('\t')[1])).toEqual([
      '',
      'Describe this photo',
      long,
      undefined,
    ])
    expect([...long]).toHaveLength(60)
    const table = (await run(ConversationsList, ['--no-color'], {env, stdoutTTY: true})).stdout.split('\n')
    expect(table[3]).toBe(
      'mjxv2b7c-0a1c  Why does the sky look blue at noon but …  llama-3.1-8b-instant  2         2026-01-03 10:00',
    )
  })

  it('no conversations: nothing on stdout in any mode but --json ([]), a note on stderr', async () => {
    const {env, dataHome} = tempHome()
    await expectListModes(ConversationsList, [], {
      env,
      json: [],
      ndjson: [],
      stderr: `No saved conversations in ${join(dataHome, 'groq', 'conversations')}\n`,
      table: [],
      tsv: [],
    })
  })

  it('skips a corrupt file with a warning naming it, and still exits 0', async () => {
    const {env, path} = await home()
    writeFileSync(path('mjzz0000-0000'), '{"version":1,')
    expect(await run(ConversationsList, ['-o', 'ndjson'], {env})).toEqual({
      exitCode: 0,
      stderr: `Warning: Skipped ${path('mjzz0000-0000')}: not valid JSON (Expected double-quoted property name in JSON at position 13)\n`,
      stdout: SUMMARIES.map((item) => JSON.stringify(item) + '\n').join(''),
    })
    expect((await run(ConversationsList, ['-q'], {env})).stderr).toBe('')
  })

  it('with nothing saved prints nothing on stdout and says where it looked on stderr', async () => {
    const {env} = tempHome()
    expect(await run(ConversationsList, [], {env})).toEqual({
      exitCode: 0,
      stderr: `No saved conversations in ${join(env.XDG_DATA_HOME!, 'groq', 'conversations')}\n`,
      stdout: '',
    })
    expect((await run(ConversationsList, ['--json'], {env})).stdout).toBe('[]\n')
  })
})

describe('conversations show', () => {
  it('prints the transcript with [role] headers, by name', async () => {
    const {env} = await home()
    expect(await run(ConversationsShow, ['trip'], {env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: '[system]\nBe brief.\n\n[user]\nBest month for Lisbon?\n\n[assistant]\nMay or September.\n',
    })
  })

  it('bolds the headers on a colour TTY only', async () => {
    const {env} = await home()
    const result = await run(ConversationsShow, ['mjxv'], {env: {...env, FORCE_COLOR: '1'}, stdoutTTY: true})
    expect(result.stdout).toBe('\u001B[1m[user]\u001B[22m\nSay hi\n\n\u001B[1m[assistant]\u001B[22m\nHi\n')
    const plain = await run(ConversationsShow, ['mjxv'], {env: {...env, NO_COLOR: '1'}, stdoutTTY: true})
    expect(plain.stdout).toBe('[user]\nSay hi\n\n[assistant]\nHi\n')
  })

  it('--json prints the stored conversation, by id prefix', async () => {
    const {env, path} = await home()
    const result = await run(ConversationsShow, ['mjw', '--json'], {env})
    expect(result.stdout).toBe(JSON.stringify(JSON.parse(readFileSync(path(TRIP.id), 'utf8'))) + '\n')
    expect(JSON.parse(result.stdout)).toEqual(TRIP)
  })

  it('an unknown id or name exits 4', async () => {
    const {env} = await home()
    expect(await run(ConversationsShow, ['paris'], {env})).toEqual({
      exitCode: 4,
      stderr: 'Error: No conversation "paris" (see: groq conversations list)\n',
      stdout: '',
    })
  })

  it('an ambiguous prefix exits 2, listing the matches', async () => {
    const {env} = await home()
    expect(await run(ConversationsShow, ['mj'], {env})).toEqual({
      exitCode: 2,
      stderr: 'Error: "mj" matches 2 conversations: mjwh0a2t-k3q9 (trip), mjxv2b7c-0a1b. Give more of the id\n',
      stdout: '',
    })
  })

  it('a corrupt file exits 1, naming the file, which stays as it was', async () => {
    const {env, path} = await home()
    writeFileSync(path(QUICK.id), 'garbage')
    expect(await run(ConversationsShow, [QUICK.id], {env})).toEqual({
      exitCode: 1,
      stderr:
        `Error: Conversation file ${path(QUICK.id)} is unreadable: not valid JSON (Unexpected token 'g', "garbage" is not valid JSON). ` +
        `Fix or remove it (groq conversations rm ${QUICK.id})\n`,
      stdout: '',
    })
    expect(readFileSync(path(QUICK.id), 'utf8')).toBe('garbage')
  })
})

describe('conversations rm', () => {
  it('refuses without --yes when nobody can be asked, deleting nothing', async () => {
    const {env, path} = await home()
    expect(await run(ConversationsRm, ['trip'], {env, stdin: ''})).toEqual({
      exitCode: 2,
      stderr: `Error: Refusing to delete conversation ${TRIP.id} without confirmation: pass --yes\n`,
      stdout: '',
    })
    expect(existsSync(path(TRIP.id))).toBe(true)
  })

  it('--yes deletes every one given and prints their ids', async () => {
    const {env, path} = await home()
    expect(await run(ConversationsRm, ['trip', 'mjxv', '--yes'], {env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: `${TRIP.id}\n${QUICK.id}\n`,
    })
    expect(existsSync(path(TRIP.id))).toBe(false)
    expect(existsSync(path(QUICK.id))).toBe(false)
  })

  it('--json prints one delete object per conversation', async () => {
    const {env} = await home()
    const result = await run(ConversationsRm, ['--yes', '--json', TRIP.id], {env})
    expect(result.stdout).toBe(JSON.stringify([{deleted: true, id: TRIP.id, object: 'conversation'}]) + '\n')
  })

  it('one unknown argument exits 4 and deletes nothing', async () => {
    const {env, path} = await home()
    expect(await run(ConversationsRm, ['trip', 'nope', '--yes'], {env})).toEqual({
      exitCode: 4,
      stderr: 'Error: No conversation "nope" (see: groq conversations list)\n',
      stdout: '',
    })
    expect(existsSync(path(TRIP.id))).toBe(true)
  })

  it('removes a corrupt file by its id', async () => {
    const {env, path} = await home()
    writeFileSync(path(QUICK.id), '')
    expect(await run(ConversationsRm, [QUICK.id, '-y'], {env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: `${QUICK.id}\n`,
    })
    expect(existsSync(path(QUICK.id))).toBe(false)
  })
})

describe('conversations export', () => {
  it('writes the stored JSON to stdout by default, whatever -o says', async () => {
    const {env, path} = await home()
    const stored = readFileSync(path(TRIP.id), 'utf8')
    expect(await run(ConversationsExport, ['trip'], {env})).toEqual({exitCode: 0, stderr: '', stdout: stored})
    expect((await run(ConversationsExport, ['trip', '-o', 'plain'], {env})).stdout).toBe(stored)
  })

  it('--format markdown prints a Markdown document', async () => {
    const {env} = await home()
    expect(await run(ConversationsExport, ['trip', '--format', 'markdown'], {env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        '# trip',
        '',
        '- id: `mjwh0a2t-k3q9`',
        '- model: `llama-3.3-70b-versatile`',
        '- created: 2026-01-02T03:04:05.000Z',
        '- updated: 2026-01-02T03:10:00.000Z',
        '- parameters: `{"temperature":0.2}`',
        '- tokens: 36 (prompt 30, completion 6)',
        '',
        '## System',
        '',
        'Be brief.',
        '',
        '## User',
        '',
        'Best month for Lisbon?',
        '',
        '## Assistant',
        '',
        'May or September.',
        '',
      ].join('\n'),
    })
  })

  it('-O writes the file (mode 0600, Markdown for .md), refuses to overwrite it without --force', async () => {
    const {env, root} = await home()
    const file = join(root, 'out', 'trip.md')
    mkdirSync(join(root, 'out'))
    expect(await run(ConversationsExport, ['trip', '-O', file], {env})).toEqual({
      exitCode: 0,
      stderr: `Exported conversation ${TRIP.id} to ${file}\n`,
      stdout: '',
    })
    const markdown = readFileSync(file, 'utf8')
    expect(markdown.startsWith('# trip\n\n- id: `mjwh0a2t-k3q9`\n')).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)

    expect(await run(ConversationsExport, ['mjxv', '-O', file], {env})).toEqual({
      exitCode: 2,
      stderr: `Error: ${file} already exists; pass --force to overwrite it\n`,
      stdout: '',
    })
    expect(readFileSync(file, 'utf8')).toBe(markdown)

    const forced = await run(ConversationsExport, ['mjxv', '-O', file, '--force', '--format', 'json'], {env})
    expect(forced.exitCode).toBe(0)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(QUICK)
  })

  it('an unknown conversation exits 4 and writes no file', async () => {
    const {env, root} = await home()
    const file = join(root, 'x.json')
    expect((await run(ConversationsExport, ['nope', '-O', file], {env})).exitCode).toBe(4)
    expect(existsSync(file)).toBe(false)
  })

  it('a bad --format is a usage error', async () => {
    const {env} = await home()
    const result = await run(ConversationsExport, ['trip', '--format', 'html'], {env})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^Error: --format: "html" is not one of json, markdown/)
  })
})

describe('conversations rename', () => {
  it('names a conversation, prints its id, and the name then resolves', async () => {
    const {env, path} = await home()
    expect(await run(ConversationsRename, ['mjxv', 'hello'], {env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: `${QUICK.id}\n`,
    })
    expect(JSON.parse(readFileSync(path(QUICK.id), 'utf8'))).toEqual({...QUICK, name: 'hello'})
    expect((await run(ConversationsShow, ['hello'], {env})).stdout).toBe('[user]\nSay hi\n\n[assistant]\nHi\n')
  })

  it('a name already in use exits 2; --clear removes a name', async () => {
    const {env, path} = await home()
    expect(await run(ConversationsRename, [QUICK.id, 'trip'], {env})).toEqual({
      exitCode: 2,
      stderr: `Error: The name "trip" is already used by conversation ${TRIP.id}\n`,
      stdout: '',
    })
    expect(await run(ConversationsRename, ['trip', '--clear'], {env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: `${TRIP.id}\n`,
    })
    const {name: _name, ...unnamed} = TRIP
    expect(JSON.parse(readFileSync(path(TRIP.id), 'utf8'))).toEqual(unnamed)
  })

  it('needs exactly one of NAME and --clear', async () => {
    const {env} = await home()
    expect(await run(ConversationsRename, ['trip'], {env})).toEqual({
      exitCode: 2,
      stderr: 'Error: Give either a new NAME or --clear\n',
      stdout: '',
    })
    expect((await run(ConversationsRename, ['trip', 'x', '--clear'], {env})).exitCode).toBe(2)
  })
})
