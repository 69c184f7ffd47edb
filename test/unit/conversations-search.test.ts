/**
 * `groq conversations search TEXT` (src/commands/conversations/search.ts over src/lib/chat/conversation-search.ts):
 * case-insensitive plain text over every message, newest first, with snippets; the four list modes; nothing on
 * stdout and exit 0 when nothing matches.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import ConversationsSearch from '../../src/commands/conversations/search.js'
import {snippet} from '../../src/lib/chat/conversation-search.js'
import {ConversationStore, serialize} from '../../src/lib/chat/conversations.js'
import type {Conversation} from '../../src/lib/chat/types.js'
import {expectedSummary} from '../helpers/fixtures.js'
import {expectListModes} from '../helpers/list-modes.js'
import {run, tempHome} from '../helpers/run.js'

const DOCKER: Conversation = {
  created_at: '2026-01-02T03:04:05.000Z',
  id: 'mjwh0a2t-k3q9',
  messages: [
    {content: 'You answer about containers.', role: 'system'},
    {content: 'How do I shrink a Docker image?', role: 'user'},
    {
      content:
        'Use a multi-stage build: compile in one stage, then copy only the binary into a slim base image. ' +
        'Also order your layers so the ones that change least come first, and clean the package cache.',
      role: 'assistant',
    },
  ],
  model: 'llama-3.3-70b-versatile',
  name: 'docker-tips',
  params: {},
  updated_at: '2026-01-02T03:10:00.000Z',
  usage: {completion_tokens: 40, prompt_tokens: 30, total_tokens: 70},
  version: 1,
}

const LISBON: Conversation = {
  created_at: '2026-01-03T10:00:00.000Z',
  id: 'mjxv2b7c-0a1b',
  messages: [
    {content: 'Best month for Lisbon? Not too hot, no crowds.', role: 'user'},
    {content: 'May or September: warm, not hot, and past the crowds.', role: 'assistant'},
    {content: [{text: 'And which MULTI-STAGE trip would you plan?', type: 'text'}], role: 'user'},
  ],
  model: 'llama-3.1-8b-instant',
  params: {},
  updated_at: '2026-01-03T10:00:01.000Z',
  usage: {completion_tokens: 12, prompt_tokens: 20, total_tokens: 32},
  version: 1,
}

async function home(...conversations: Conversation[]) {
  const {env} = tempHome()
  const store = ConversationStore.fromEnv(env)
  for (const conversation of conversations) await store.save(conversation)
  mkdirSync(store.dir, {recursive: true})
  return {env, path: (id: string) => join(store.dir, `${id}.json`)}
}

describe('conversations search', () => {
  it('the four modes: matching conversations newest first, with where the text is (case ignored)', async () => {
    const {env} = await home(DOCKER, LISBON)
    const hits = [
      {
        ...expectedSummary(LISBON, 'Best month for Lisbon? Not too hot, no crowds.'),
        matches: [{message: 2, role: 'user', snippet: 'And which MULTI-STAGE trip would you plan?'}],
      },
      {
        ...expectedSummary(DOCKER, 'docker-tips'),
        matches: [
          {
            message: 2,
            role: 'assistant',
            snippet: 'Use a multi-stage build: compile in one stage, then copy only the…',
          },
        ],
      },
    ]
    await expectListModes(ConversationsSearch, ['Multi-Stage'], {
      env,
      json: hits,
      ndjson: hits,
      table: [
        'ID             TITLE                                     UPDATED (UTC)     MATCHES  SNIPPET',
        'mjxv2b7c-0a1b  Best month for Lisbon? Not too hot, no …  2026-01-03 10:00  1        And which MULTI-STAGE trip would you plan?',
        'mjwh0a2t-k3q9  docker-tips                               2026-01-02 03:10  1        Use a multi-stage build: compile in one stage, then copy only the…',
      ],
      tsv: [
        [
          'mjxv2b7c-0a1b',
          'Best month for Lisbon? Not too hot, no crowds.',
          '2026-01-03T10:00:01.000Z',
          '1',
          'And which MULTI-STAGE trip would you plan?',
        ],
        [
          'mjwh0a2t-k3q9',
          'docker-tips',
          '2026-01-02T03:10:00.000Z',
          '1',
          'Use a multi-stage build: compile in one stage, then copy only the…',
        ],
      ],
    })
  })

  it('every matching message of a conversation, each with its snippet; a snippet cut at both ends', async () => {
    const {env} = await home(DOCKER, LISBON)
    const result = await run(ConversationsSearch, ['CROWDS', '--json'], {env})
    expect(result).toMatchObject({exitCode: 0, stderr: ''})
    expect(JSON.parse(result.stdout)).toEqual([
      {
        ...expectedSummary(LISBON, 'Best month for Lisbon? Not too hot, no crowds.'),
        matches: [
          {message: 0, role: 'user', snippet: '…for Lisbon? Not too hot, no crowds.'},
          {message: 1, role: 'assistant', snippet: '…warm, not hot, and past the crowds.'},
        ],
      },
    ])
    const cut = await run(ConversationsSearch, ['LAYERS'], {env})
    expect(cut.stdout).toBe(
      'mjwh0a2t-k3q9\tdocker-tips\t2026-01-02T03:10:00.000Z\t1\t' +
        '…base image. Also order your layers so the ones that change least come first, and…\n',
    )
  })

  it('nothing matches: nothing on stdout in any mode but --json ([]), exit 0, a note on stderr', async () => {
    const {env} = await home(DOCKER, LISBON)
    await expectListModes(ConversationsSearch, ['kubernetes'], {
      env,
      json: [],
      ndjson: [],
      stderr: 'No saved conversation contains "kubernetes"\n',
      table: [],
      tsv: [],
    })
    expect(await run(ConversationsSearch, ['kubernetes', '-q'], {env})).toEqual({exitCode: 0, stderr: '', stdout: ''})
  })

  it('only messages are searched: not names, models or other fields', async () => {
    const {env} = await home(DOCKER, LISBON)
    for (const text of ['docker-tips', 'llama', 'version', 'mjwh0a2t', 'role'])
      expect((await run(ConversationsSearch, [text, '-q'], {env})).stdout, text).toBe('')
  })

  it('finds text the file spells with escapes, quotes and line breaks, and letters in any case', async () => {
    const {env, path} = await home()
    const conversation: Conversation = {
      ...LISBON,
      id: 'mjxv2b7c-0a1c',
      messages: [{content: 'Ärger über "Straße"\nnext line: café', role: 'user'}],
    }
    // As another tool might write it: every non-ASCII character as a \u escape.
    writeFileSync(
      path(conversation.id),
      serialize(conversation).replaceAll(
        /[\u0080-\uFFFF]/g,
        (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    )
    for (const text of ['ärger ÜBER', '"straße"', 'Straße"\nnext', 'CAFÉ'])
      expect((await run(ConversationsSearch, [text], {env})).stdout, text).toMatch(/^mjxv2b7c-0a1c\t/)
  })

  it('skips a file that cannot be read with a warning naming it, as list does', async () => {
    const {env, path} = await home(DOCKER)
    writeFileSync(path('mjzz0000-0000'), '{"version":1, "multi-stage"')
    expect(await run(ConversationsSearch, ['multi-stage'], {env})).toEqual({
      exitCode: 0,
      stderr: `Warning: Skipped ${path('mjzz0000-0000')}: not valid JSON (Unexpected end of JSON input)\n`,
      stdout:
        'mjwh0a2t-k3q9\tdocker-tips\t2026-01-02T03:10:00.000Z\t1\tUse a multi-stage build: compile in one stage, then copy only the…\n',
    })
  })

  it('an empty or blank TEXT is a usage error (it would match everything), before reading anything', async () => {
    const {env} = await home(DOCKER)
    for (const text of ['', '  ']) {
      const result = await run(ConversationsSearch, [text], {env})
      expect(result).toEqual({
        exitCode: 2,
        stderr: 'Error: Give the text to search for (an empty one would match everything)\n',
        stdout: '',
      })
    }
  })
})

describe('snippets', () => {
  it('keep about 30 characters before and 50 after, cut between words, whitespace collapsed, cuts marked', () => {
    const words = 'one two three four five six seven eight nine ten'
    const text = `${words} needle\n\n${words} ${words}`
    expect(snippet(text, text.indexOf('needle'), 6)).toBe(
      '…five six seven eight nine ten needle one two three four five six seven eight nine ten…',
    )
    expect(snippet('short needle here', 6, 6)).toBe('short needle here')
    // No space to cut at: between code points, never inside a surrogate pair.
    const run = `${'a'.repeat(40)}needle${'b'.repeat(60)}`
    expect(snippet(run, 40, 6)).toBe(`…${'a'.repeat(30)}needle${'b'.repeat(50)}…`)
    const emoji = `${'😀'.repeat(20)}yneedle`
    expect(snippet(emoji, emoji.indexOf('needle'), 6)).toBe(`…${'😀'.repeat(15)}yneedle`)
  })
})
