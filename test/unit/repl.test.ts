import {BadRequestError, InternalServerError} from 'groq-sdk'
import {afterEach, describe, expect, it, vi} from 'vitest'

import {mkdtempSync, rmSync} from 'node:fs'
import {readdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ConversationStore} from '../../src/lib/chat/conversations.js'
import {installInterruptHandler, uninstallInterruptHandler} from '../../src/lib/core/interrupt.js'
import type {ChatRequest, Conversation, TurnOptions, TurnResult} from '../../src/lib/chat/types.js'
import {answer, fakeSend, memoryStore, start, SYSTEM} from '../fixtures/repl/fakes.js'

const user = (content: string) => ({content, role: 'user' as const})
const assistant = (content: string) => ({content, role: 'assistant' as const})

/** Waits until the signal is aborted (the REPL's Ctrl-C), then resolves as the real sender does. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), {once: true}),
  )

afterEach(() => {
  uninstallInterruptHandler()
})

describe('runRepl: turns', () => {
  it('sends the whole history every turn, streams answers to stdout and keeps stderr quiet when piped', async () => {
    const fake = fakeSend(['Hi there.', 'Fine, thanks.'])
    const session = start({
      input: 'hello\nhow are you?\n',
      request: {messages: [SYSTEM], model: 'test-model', temperature: 0.5},
      sendTurn: fake.sendTurn,
    })
    expect(await session.done).toBe(0)
    expect(fake.requests).toEqual([
      {messages: [SYSTEM, user('hello')], model: 'test-model', temperature: 0.5},
      {
        messages: [SYSTEM, user('hello'), assistant('Hi there.'), user('how are you?')],
        model: 'test-model',
        temperature: 0.5,
      },
    ])
    expect(fake.calls.map((call) => call.stream)).toEqual([true, true])
    expect(session.stdout.text()).toBe('Hi there.\nFine, thanks.\n')
    expect(session.stderr.text()).toBe('')
  })

  it('sends an initial prompt as the first turn', async () => {
    const fake = fakeSend(['first', 'second'])
    const session = start({input: 'more\n', prompt: 'question', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('question'), assistant('first'), user('more')])
    expect(session.stdout.text()).toBe('first\nsecond\n')
  })

  it('prints a non-streamed answer whole', async () => {
    const fake = fakeSend(['Whole answer.'])
    const session = start({input: 'hi\n', sendTurn: fake.sendTurn, stream: false})
    expect(await session.done).toBe(0)
    expect(fake.calls[0].stream).toBe(false)
    expect(session.stdout.text()).toBe('Whole answer.\n')
  })

  it('shows reasoning on stderr, the answer on stdout, and sends back only what the API accepts', async () => {
    const fake = fakeSend([
      async (_request, options) => {
        options.onReasoning?.('Thinking it over.')
        options.onDelta('Yes.')
        return {
          ...answer('Yes.'),
          message: {content: 'Yes.', executed_tools: [], reasoning: 'Thinking it over.', role: 'assistant'},
        }
      },
      'Again.',
    ])
    const session = start({input: 'q1\nq2\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stdout.text()).toBe('Yes.\nAgain.\n')
    expect(session.stderr.text()).toBe('Thinking it over.\n')
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('q1'), assistant('Yes.'), user('q2')])
  })

  it('prints an error from sendTurn as one line, drops the question, and goes on', async () => {
    const apiError = new InternalServerError(
      500,
      {error: {message: 'upstream hiccup', type: 'internal_error'}},
      undefined,
      new Headers(),
    )
    const fake = fakeSend([apiError, 'Second try works.'])
    const session = start({input: 'first\nsecond\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe(
      'Error: 500 Internal Server Error: upstream hiccup (internal_error) (/retry sends it again)\n',
    )
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('second')])
    expect(session.stdout.text()).toBe('Second try works.\n')
  })

  it('explains a 400 context-length error instead of passing it on, and goes on', async () => {
    const tooLong = new BadRequestError(
      400,
      {
        error: {
          code: 'context_length_exceeded',
          message: 'Please reduce the length of the messages or completion.',
          type: 'invalid_request_error',
        },
      },
      undefined,
      new Headers(),
    )
    const fake = fakeSend([tooLong, 'ok'])
    const session = start({
      contextWindow: async () => 8192,
      input: 'a long question\n/clear\nshort\n',
      sendTurn: fake.sendTurn,
    })
    expect(await session.done).toBe(0)
    const lines = session.stderr.text().split('\n')
    expect(lines[0]).toBe(
      "Error: The conversation (~15 tokens) is too long for test-model's context window (8,192 tokens): " +
        '/clear starts afresh, /undo drops the last exchange, /model switches to a model with a larger window.',
    )
    expect(session.stderr.text()).not.toContain('400')
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('short')])
  })
})

describe('runRepl: context window', () => {
  it('says so on stderr when the history nears the window (from the API usage), and offers /clear', async () => {
    const windows: string[] = []
    const fake = fakeSend([
      async () => answer('long answer', {completion_tokens: 40, prompt_tokens: 45, total_tokens: 85}),
    ])
    const session = start({
      contextWindow: async (model) => {
        windows.push(model)
        return 100
      },
      input: 'hi\n',
      sendTurn: fake.sendTurn,
      stream: false,
    })
    expect(await session.done).toBe(0)
    expect(windows).toEqual(['test-model'])
    expect(session.stderr.text()).toBe(
      "The conversation is 85 tokens, 85% of test-model's 100-token context window: /clear starts afresh, /undo drops the last exchange.\n",
    )
  })

  it('stays quiet below 80%, and with quiet', async () => {
    const low = start({contextWindow: async () => 1000, input: 'hi\n', sendTurn: fakeSend(['a']).sendTurn})
    expect(await low.done).toBe(0)
    expect(low.stderr.text()).toBe('')
    const quiet = start({
      contextWindow: async () => 100,
      input: 'hi\n',
      quiet: true,
      sendTurn: fakeSend([async () => answer('x', {completion_tokens: 40, prompt_tokens: 50, total_tokens: 90})])
        .sendTurn,
    })
    expect(await quiet.done).toBe(0)
    expect(quiet.stderr.text()).toBe('')
  })

  it('warns before sending a message that will not fit (counting max_completion_tokens), and still sends it', async () => {
    const fake = fakeSend(['ok'])
    const session = start({
      contextWindow: async () => 50,
      input: `/set max_completion_tokens 40\n${'x'.repeat(40)}\n`,
      sendTurn: fake.sendTurn,
    })
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toContain(
      "This may not fit: the conversation is ~21 tokens (plus 40 asked for the answer) and test-model's context window is 50.",
    )
    expect(fake.requests).toHaveLength(1)
  })

  it('survives a contextWindow that throws', async () => {
    const fake = fakeSend(['fine'])
    const session = start({
      contextWindow: async () => {
        throw new Error('models endpoint down')
      },
      input: 'hi\n',
      sendTurn: fake.sendTurn,
    })
    expect(await session.done).toBe(0)
    expect(session.stdout.text()).toBe('fine\n')
    expect(session.stderr.text()).toBe('')
  })
})

describe('runRepl: slash commands', () => {
  it('/help lists every command on stderr and sends nothing', async () => {
    const fake = fakeSend([])
    const session = start({input: '/help\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    for (const command of [
      '/help',
      '/system',
      '/model',
      '/set',
      '/clear',
      '/retry',
      '/undo',
      '/save',
      '/load',
      '/history',
      '/exit',
    ]) {
      expect(session.stderr.text()).toContain(`  ${command}`)
    }
    expect(session.stdout.text()).toBe('')
    expect(fake.requests).toEqual([])
  })

  it('/system shows, replaces, adds and removes the system message', async () => {
    const fake = fakeSend(['1', '2', '3'])
    const session = start({
      input: '/system\n/system You are a pirate.\na\n/system -\nb\n/system Short answers.\nc\n',
      sendTurn: fake.sendTurn,
    })
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe(
      'system: Be brief.\nSystem message set.\nSystem message removed.\nSystem message set.\n',
    )
    expect(fake.requests.map((request) => request.messages)).toEqual([
      [{content: 'You are a pirate.', role: 'system'}, user('a')],
      [user('a'), assistant('1'), user('b')],
      [{content: 'Short answers.', role: 'system'}, user('a'), assistant('1'), user('b'), assistant('2'), user('c')],
    ])
  })

  it('/model switches the model for the next turn and looks up its window', async () => {
    const windows: string[] = []
    const fake = fakeSend(['1', '2'])
    const session = start({
      contextWindow: async (model) => {
        windows.push(model)
        return model === 'big-model' ? 131_072 : 8192
      },
      input: 'a\n/model big-model\n/model\nb\n/model two words\n',
      sendTurn: fake.sendTurn,
    })
    expect(await session.done).toBe(0)
    expect(fake.requests.map((request) => request.model)).toEqual(['test-model', 'big-model'])
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('a'), assistant('1'), user('b')])
    expect(windows).toEqual(['test-model', 'big-model'])
    expect(session.stderr.text()).toBe(
      'Model: big-model\nModel: big-model (context window 131,072 tokens)\nError: A model name has no spaces: two words\n',
    )
  })

  it('/set validates known parameters, passes unknown ones as given, and /unset drops them', async () => {
    const fake = fakeSend(['1', '2'])
    const session = start({
      input:
        [
          '/set temperature 0.2',
          '/set temperature 3',
          '/set top_p abc',
          '/set max-completion-tokens 100',
          '/set reasoning_effort extreme',
          '/set stream true',
          '/set model other',
          '/set custom_knob {"a": 1}',
          '/set',
          'a',
          '/unset custom_knob',
          '/set temperature',
          'b',
        ].join('\n') + '\n',
      sendTurn: fake.sendTurn,
    })
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe(
      [
        'temperature = 0.2',
        'Error: temperature must be a number from 0 to 2, not 3',
        'Error: top_p must be a number from 0 to 1, not abc',
        'max_completion_tokens = 100',
        'Error: reasoning_effort must be one of none, default, low, medium, high, not extreme',
        'Error: Cannot set stream: the REPL decides streaming',
        'Error: Cannot set model: use /model NAME',
        'custom_knob = {"a":1}',
        'custom_knob is not a parameter Groq documents: it is sent as given.',
        'temperature = 0.2',
        'max_completion_tokens = 100',
        'custom_knob = {"a":1}',
        'custom_knob unset: the API default applies.',
        'temperature = 0.2',
        '',
      ].join('\n'),
    )
    expect(fake.requests[0]).toEqual({
      custom_knob: {a: 1},
      max_completion_tokens: 100,
      messages: [SYSTEM, user('a')],
      model: 'test-model',
      temperature: 0.2,
    })
    expect(fake.requests[1]).toEqual({
      max_completion_tokens: 100,
      messages: [SYSTEM, user('a'), assistant('1'), user('b')],
      model: 'test-model',
      temperature: 0.2,
    })
  })

  it('/clear forgets the history but keeps the system message', async () => {
    const fake = fakeSend(['1', '2'])
    const session = start({input: 'a\n/clear\nb\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe('History cleared (the system message stays).\n')
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('b')])
  })

  it('/retry asks the last question again in place of its answer', async () => {
    const fake = fakeSend(['first answer', 'second answer', 'next'])
    const session = start({input: 'q\n/retry\nq2\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(fake.requests[1]).toEqual(fake.requests[0])
    expect(fake.requests[2].messages).toEqual([SYSTEM, user('q'), assistant('second answer'), user('q2')])
    expect(session.stderr.text()).toBe('Asking again: q\n')
    expect(session.stdout.text()).toBe('first answer\nsecond answer\nnext\n')
  })

  it('/retry after a failed turn sends the failed question again', async () => {
    const fake = fakeSend([new Error('socket hang up'), 'now it works'])
    const session = start({input: 'q\n/retry\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('q')])
    expect(session.stderr.text()).toBe('Error: socket hang up (/retry sends it again)\nSending again: q\n')
  })

  it('/retry and /undo with nothing to act on say so', async () => {
    const session = start({input: '/retry\n/undo\n', sendTurn: fakeSend([]).sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe('Nothing to retry.\nNothing to undo.\n')
  })

  it('/undo drops the last question and its answer', async () => {
    const fake = fakeSend(['1', '2', '3'])
    const session = start({input: 'a\nb\n/undo\nc\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe('Dropped the last exchange ("b"); 2 messages left.\n')
    expect(fake.requests[2].messages).toEqual([SYSTEM, user('a'), assistant('1'), user('c')])
  })

  it('/history shows the conversation on stderr', async () => {
    const session = start({input: 'a\n/history\n', sendTurn: fakeSend(['answer one']).sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe('system: Be brief.\nuser: a\nassistant: answer one\n(3 messages, 15 tokens)\n')
    expect(session.stdout.text()).toBe('answer one\n')
  })

  it('/exit ends at once with 0; unknown commands get one error line; // sends a leading slash', async () => {
    const fake = fakeSend(['ok'])
    const session = start({input: '/frobnicate\n//etc/hosts is a file\n/exit\nnever sent\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe(
      'Error: Unknown command /frobnicate: /help lists them; start with // to send text that begins with /.\n',
    )
    expect(fake.requests.map((request) => request.messages.at(-1))).toEqual([user('/etc/hosts is a file')])
  })
})

describe('runRepl: multi-line input', () => {
  it('joins lines ending in a backslash, and """ blocks (which may start with a slash)', async () => {
    const fake = fakeSend(['1', '2', '3', '4'])
    const session = start({
      input: 'first \\\nsecond\n"""\nline one\n/not a command\n\n"""\n"""inline"""\n"""start\nend"""\n',
      sendTurn: fake.sendTurn,
    })
    expect(await session.done).toBe(0)
    expect(fake.requests.map((request) => request.messages.at(-1))).toEqual([
      user('first \nsecond'),
      user('line one\n/not a command\n'),
      user('inline'),
      user('start\nend'),
    ])
  })

  it('a slash command may go on over several lines; unfinished input at the end is dropped with a note', async () => {
    const fake = fakeSend(['ok'])
    const session = start({input: '/system You are\\\na pirate.\nhi\n"""\nnever finished\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(fake.requests[0].messages[0]).toEqual({content: 'You are\na pirate.', role: 'system'})
    expect(session.stderr.text()).toBe('System message set.\nUnfinished multi-line input dropped.\n')
  })

  it('ignores empty lines', async () => {
    const fake = fakeSend([])
    const session = start({input: '\n   \n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(fake.requests).toEqual([])
  })
})

describe('runRepl: Ctrl-C', () => {
  it('stops the answer, keeps the partial answer in the history, and the session goes on', async () => {
    installInterruptHandler() // as BaseCommand does: the REPL must take it down, or Ctrl-C would exit 130
    const before = process.listenerCount('SIGINT')
    let during = -1
    const fake = fakeSend([
      async (_request: ChatRequest, options: TurnOptions): Promise<TurnResult> => {
        options.onDelta('Once upon a ')
        during = process.listenerCount('SIGINT')
        process.emit('SIGINT')
        await untilAborted(options.signal)
        return {completion: {}, interrupted: true, message: {content: 'Once upon a ', role: 'assistant'}}
      },
      'The end.',
    ])
    const session = start({input: 'tell me a story\ngo on\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(during).toBe(before)
    expect(process.listenerCount('SIGINT')).toBe(before)
    expect(fake.calls[0].signal.aborted).toBe(true)
    expect(session.stdout.text()).toBe('Once upon a \nThe end.\n')
    expect(session.stderr.text()).toBe('Interrupted: the partial answer is kept (/retry asks again, /undo drops it).\n')
    expect(fake.requests[1].messages).toEqual([
      SYSTEM,
      user('tell me a story'),
      assistant('Once upon a '),
      user('go on'),
    ])
  })

  it('keeps the partial answer from the deltas when the sender rejects on abort', async () => {
    const fake = fakeSend([
      async (_request, options) => {
        options.onDelta('Partial')
        process.emit('SIGINT')
        await untilAborted(options.signal)
        throw Object.assign(new Error('Request was aborted.'), {name: 'AbortError'})
      },
      'ok',
    ])
    const session = start({input: 'q\n/undo\nq2\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe(
      'Interrupted: the partial answer is kept (/retry asks again, /undo drops it).\nDropped the last exchange ("q"); 0 messages left.\n',
    )
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('q2')])
  })

  it('drops the question when nothing had arrived; /retry sends it again', async () => {
    const fake = fakeSend([
      async (_request, options) => {
        process.emit('SIGINT')
        await untilAborted(options.signal)
        return {completion: {}, interrupted: true, message: {content: '', role: 'assistant'}}
      },
      'answer',
    ])
    const session = start({input: 'q\n/retry\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stdout.text()).toBe('answer\n')
    expect(session.stderr.text()).toBe(
      'Interrupted before the answer began (/retry sends the question again).\nSending again: q\n',
    )
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('q')])
  })

  it('Ctrl-C while the context window is still being looked up stops the turn before it is sent', async () => {
    const fake = fakeSend(['answer'])
    let resolveWindow = (_window: number) => {}
    const window = new Promise<number>((resolve) => (resolveWindow = resolve))
    const session = start({contextWindow: () => window, sendTurn: fake.sendTurn, tty: true})
    await session.waitFor('test-model> ')
    session.type('q\r')
    // The turn has begun once the REPL leaves raw mode; it is waiting for the window.
    await vi.waitFor(() => expect(session.stdin.rawModes.at(-1)).toBe(false))
    process.emit('SIGINT')
    resolveWindow(8192)
    await session.waitFor('Interrupted before the answer began (/retry sends the question again).')
    await session.waitFor(/test-model> $/)
    session.type('/retry\r')
    await session.waitFor('answer', 'stdout')
    session.type('\u0004')
    expect(await session.done).toBe(0)
    expect(fake.requests).toEqual([{messages: [SYSTEM, user('q')], model: 'test-model'}])
  })

  it('exits with 0 on Ctrl-C while waiting for input (and installs no handler that was not there)', async () => {
    const listeners = process.listenerCount('SIGINT')
    let asked = false
    const session = start({
      contextWindow: async () => {
        asked = true
        return undefined
      },
    })
    await vi.waitFor(() => expect(asked).toBe(true))
    await new Promise((resolve) => setImmediate(resolve))
    process.emit('SIGINT')
    expect(await session.done).toBe(0)
    expect(process.listenerCount('SIGINT')).toBe(listeners)
  })
})

describe('runRepl: saving and loading', () => {
  const saved: Conversation = {
    created_at: '2026-05-01T10:00:00.000Z',
    id: '20260501-100000-abcdef',
    messages: [{content: 'You are terse.', role: 'system'}, user('earlier'), assistant('reply')],
    model: 'old-model',
    name: 'project',
    params: {stream: true, temperature: 1.5},
    updated_at: '2026-05-01T10:05:00.000Z',
    usage: {completion_tokens: 3, prompt_tokens: 7, total_tokens: 10},
    version: 1,
  }

  it('autosaves every turn under one id, and /save NAME names it', async () => {
    const store = memoryStore()
    let ids = 0
    const session = start({
      input: 'a\nb\n/save trip\n',
      newId: () => `id-${++ids}`,
      request: {messages: [SYSTEM], model: 'test-model', seed: 7},
      sendTurn: fakeSend(['1', '2']).sendTurn,
      store,
    })
    expect(await session.done).toBe(0)
    expect(
      store.saved.map((conversation) => [conversation.id, conversation.name, conversation.messages.length]),
    ).toEqual([
      ['id-1', undefined, 3],
      ['id-1', undefined, 5],
      ['id-1', 'trip', 5],
    ])
    const last = store.saved[2]
    expect(last).toMatchObject({
      messages: [SYSTEM, user('a'), assistant('1'), user('b'), assistant('2')],
      model: 'test-model',
      params: {seed: 7},
      usage: {completion_tokens: 10, prompt_tokens: 20, total_tokens: 30},
      version: 1,
    })
    expect(last.created_at).toBe(store.saved[0].created_at)
    expect(session.stderr.text()).toBe('Saved as trip.\n')
  })

  it('/load continues a saved conversation: history, model and parameters', async () => {
    const store = memoryStore([saved])
    const fake = fakeSend(['new answer'])
    const session = start({input: '/load project\nand now?\n', sendTurn: fake.sendTurn, store})
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe('Loaded project: 2 messages, model old-model.\n')
    expect(fake.requests[0]).toEqual({
      messages: [...saved.messages, user('and now?')],
      model: 'old-model',
      temperature: 1.5,
    })
    expect(store.saved.at(-1)).toMatchObject({
      created_at: saved.created_at,
      id: saved.id,
      name: 'project',
      usage: {completion_tokens: 8, prompt_tokens: 17, total_tokens: 25},
    })
  })

  it('/clear starts a new conversation, so autosave never overwrites the cleared one', async () => {
    const store = memoryStore([saved])
    let ids = 0
    const session = start({
      conversation: {created_at: saved.created_at, id: saved.id, name: saved.name},
      input: '/clear\nfresh\n',
      newId: () => `new-${++ids}`,
      request: {messages: saved.messages, model: 'old-model'},
      sendTurn: fakeSend(['ok']).sendTurn,
      store,
    })
    expect(await session.done).toBe(0)
    expect(session.stderr.text()).toBe(
      'History cleared (the system message stays). The previous conversation stays saved as project.\n',
    )
    expect(store.saved.map((conversation) => conversation.id)).toEqual(['new-1'])
    expect(store.byKey.get(saved.id)).toEqual(saved)
  })

  it('works with the real ConversationStore: create on the first answer, autosave, /save NAME, /load in a new session', async () => {
    const store = new ConversationStore(mkdtempSync(join(tmpdir(), 'groq-repl-store-')))
    const first = start({input: 'a\n/save bad name!\n/save trip\nb\n', sendTurn: fakeSend(['1', '2']).sendTurn, store})
    expect(await first.done).toBe(0)
    expect(first.stderr.text()).toMatch(/^Error: Invalid conversation name "bad name!": .*\nSaved as trip\.\n$/)
    const files = await readdir(store.dir)
    expect(files).toHaveLength(1)
    const saved = await store.load('trip')
    expect(files[0]).toBe(`${saved.id}.json`)
    expect(saved).toMatchObject({
      messages: [SYSTEM, user('a'), assistant('1'), user('b'), assistant('2')],
      model: 'test-model',
      name: 'trip',
      usage: {completion_tokens: 10, prompt_tokens: 20, total_tokens: 30},
      version: 1,
    })

    const fake = fakeSend(['3'])
    const second = start({input: '/load trip\nc\n', sendTurn: fake.sendTurn, store})
    expect(await second.done).toBe(0)
    expect(fake.requests[0].messages).toEqual([...saved.messages, user('c')])
    expect(await readdir(store.dir)).toHaveLength(1)
    expect((await store.load('trip')).messages).toHaveLength(7)
    rmSync(store.dir, {force: true, recursive: true})
  })

  it('autosave false (groq chat --no-save): nothing is saved until /save, then every turn; /clear stops it again', async () => {
    const store = memoryStore()
    let ids = 0
    const session = start({
      autosave: false,
      input: 'a\n/set seed 1\nb\n/save\nc\n/clear\nd\n',
      newId: () => `id-${++ids}`,
      sendTurn: fakeSend(['1', '2', '3', '4']).sendTurn,
      store,
    })
    expect(await session.done).toBe(0)
    expect(store.saved.map((conversation) => [conversation.id, conversation.messages.length])).toEqual([
      ['id-1', 5],
      ['id-1', 7],
    ])
    expect(store.saved[1].params).toEqual({seed: 1})
  })

  it('stats: one line on stderr after each answer (model, tokens, time to first token)', async () => {
    const session = start({
      input: 'a\n',
      sendTurn: async (_request, options) => {
        options.onDelta('1')
        return {
          ...answer('1', {completion_tokens: 5, prompt_tokens: 1234, total_tokens: 1239}),
          completion: {model: 'served-model'},
          timing: {firstDeltaMs: 42, totalMs: 50},
        }
      },
      stats: true,
    })
    expect(await session.done).toBe(0)
    expect(session.stdout.text()).toBe('1\n')
    expect(session.stderr.text()).toBe('served-model · 1,234 in, 5 out · first token 42 ms · 625 tokens/s\n')
  })

  it('without a store, /save and /load say so; a failing store is one error line', async () => {
    const none = start({input: '/save x\n/load x\n', sendTurn: fakeSend([]).sendTurn})
    expect(await none.done).toBe(0)
    expect(none.stderr.text()).toBe(
      'Error: /save needs a conversation store, and there is none here\nError: /load needs a conversation store, and there is none here\n',
    )
    const broken = start({
      input: 'hi\n/load missing\n',
      sendTurn: fakeSend(['ok']).sendTurn,
      store: {
        load: async (name) => {
          throw new Error(`No saved conversation named ${name}`)
        },
        save: async () => {
          throw new Error('disk full')
        },
      },
    })
    expect(await broken.done).toBe(0)
    expect(broken.stderr.text()).toBe(
      'Error: Could not save the conversation: disk full\nError: No saved conversation named missing\n',
    )
  })
})

describe('runRepl on a terminal', () => {
  it('prompts with the model on stderr, leaves raw mode during an answer, and exits 0 on Ctrl-D', async () => {
    const fake = fakeSend(['Hi!'])
    const session = start({sendTurn: fake.sendTurn, tty: true})
    await session.waitFor('test-model> ')
    expect(session.stderr.plain()).toContain('Chatting with test-model. /help lists commands; Ctrl-D quits.')
    const rawBefore = [...session.stdin.rawModes]
    session.type('hello\r')
    await session.waitFor('Hi!', 'stdout')
    await session.waitFor(/test-model> [^]*test-model> $/)
    // readline turns raw mode on; the REPL turns it off for the answer and back on after.
    expect(session.stdin.rawModes.slice(rawBefore.length)).toEqual([false, true])
    session.type('\u0004')
    expect(await session.done).toBe(0)
    expect(session.stdin.rawModes.at(-1)).toBe(false)
    expect(session.stdout.text()).toBe('Hi!\n')
  })

  it('Ctrl-C drops a half-typed line or multi-line block; at an empty prompt it exits 0', async () => {
    const fake = fakeSend(['ok'])
    const session = start({sendTurn: fake.sendTurn, tty: true})
    await session.waitFor('test-model> ')
    session.type('half typed')
    await session.waitFor('half typed')
    session.type('\u0003')
    await session.waitFor(/half typed\ntest-model> $/)
    session.type('"""\r')
    await session.waitFor(/\.\.\. $/)
    session.type('inside\r')
    await session.waitFor(/inside\n\.\.\. $/)
    session.type('\u0003')
    await session.waitFor(/inside\n\.\.\. \ntest-model> $/)
    session.type('real\r')
    await session.waitFor('ok', 'stdout')
    await session.waitFor(/real\ntest-model> $/)
    session.type('\u0003')
    expect(await session.done).toBe(0)
    expect(fake.requests.map((request) => request.messages.at(-1))).toEqual([user('real')])
  })

  it('recalls earlier lines with the up arrow and completes commands with Tab', async () => {
    const fake = fakeSend(['1', '2'])
    const session = start({sendTurn: fake.sendTurn, tty: true})
    await session.waitFor('test-model> ')
    session.type('same again\r')
    await session.waitFor('1', 'stdout')
    await session.waitFor(/same again\ntest-model> $/)
    session.type('\u001B[A\r')
    await session.waitFor('2', 'stdout')
    session.type('/hi\t')
    await session.waitFor(/test-model> \/history$/)
    session.type('\r')
    await session.waitFor('assistant: 2')
    session.type('/exit\r')
    expect(await session.done).toBe(0)
    expect(fake.requests[1].messages).toEqual([SYSTEM, user('same again'), assistant('1'), user('same again')])
  })
})

describe('runRepl: markdown and the spinner', () => {
  const MARKDOWN = '## Steps\n\nRun **this**:\n\n- one `a`\n- two\n\n```sh\nnpm i\n```\n'

  it('renders answers as markdown while they stream when render is on, as one-shot chat does', async () => {
    const fake = fakeSend([
      async (_request, options) => {
        // Token-sized pieces, as a stream sends them.
        for (const piece of MARKDOWN.match(/.{1,3}/gs) ?? []) {
          options.onDelta(piece)
          await new Promise((resolve) => setImmediate(resolve))
        }
        return answer(MARKDOWN)
      },
      'Plain *second* answer.',
    ])
    const session = start({input: 'how?\nand?\n', render: true, sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stdout.text()).toBe(
      '## Steps\n\nRun this:\n\n• one `a`\n• two\n\n```sh\nnpm i\n```\nPlain second answer.\n',
    )
    // The history keeps the model's text, not the rendering.
    expect(fake.requests[1].messages.at(-2)).toEqual(assistant(MARKDOWN))
  })

  it('prints the model text as it came when render is off', async () => {
    const fake = fakeSend(['Plain *second* answer.'])
    const session = start({input: 'q\n', sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stdout.text()).toBe('Plain *second* answer.\n')
  })

  it('keeps what was rendered of an answer stopped with Ctrl-C, ending its line', async () => {
    const fake = fakeSend([
      async (_request, options) => {
        options.onDelta('Some **bold** text\nand half a li')
        await new Promise((resolve) => setTimeout(resolve, 20))
        process.emit('SIGINT')
        await untilAborted(options.signal)
        return {
          completion: {},
          interrupted: true,
          message: {content: 'Some **bold** text\nand half a li', role: 'assistant'},
        }
      },
    ])
    const session = start({input: 'q\n', render: true, sendTurn: fake.sendTurn})
    expect(await session.done).toBe(0)
    expect(session.stdout.text()).toBe('Some bold text\nand half a li\n')
    expect(session.stderr.text()).toContain('Interrupted: the partial answer is kept')
  })

  it('shows the spinner from the question until the first byte of the answer, and stops it before writing', async () => {
    const events: string[] = []
    const fake = fakeSend([
      async (_request, options) => {
        events.push('request sent')
        options.onDelta('Hi.')
        return answer('Hi.')
      },
      async (_request, options) => {
        options.onReasoning?.('Hmm.')
        options.onDelta('Yes.')
        return answer('Yes.')
      },
    ])
    const session = start({
      input: 'hello\nreally?\n',
      sendTurn: fake.sendTurn,
      spinner: (text) => {
        events.push(`spinner: ${text}`)
        return {stop: () => events.push(`stopped, stdout: ${JSON.stringify(session.stdout.text())}`)}
      },
    })
    expect(await session.done).toBe(0)
    expect(events).toEqual([
      'spinner: Waiting for test-model',
      'request sent',
      'stopped, stdout: ""',
      'spinner: Waiting for test-model',
      'stopped, stdout: "Hi.\\n"',
    ])
    expect(session.stdout.text()).toBe('Hi.\nYes.\n')
  })

  it('stops the spinner when the turn fails, before the error line', async () => {
    const events: string[] = []
    const fake = fakeSend([new Error('boom')])
    const session = start({
      input: 'hello\n',
      sendTurn: fake.sendTurn,
      spinner: () => ({stop: () => events.push(`stopped, stderr: ${JSON.stringify(session.stderr.text())}`)}),
    })
    expect(await session.done).toBe(0)
    expect(events).toEqual(['stopped, stderr: ""'])
    expect(session.stderr.text()).toBe('Error: boom (/retry sends it again)\n')
  })
})
