/**
 * --jq on the commands that write stdout themselves: a stored document is filtered as JSON; output that is not JSON
 * (audio, a downloaded file's bytes, results written to files) refuses --jq before anything is read or sent.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import BatchesResults from '../../src/commands/batches/results.js'
import BatchesRun from '../../src/commands/batches/run.js'
import ConversationsExport from '../../src/commands/conversations/export.js'
import FilesDownload from '../../src/commands/files/download.js'
import Speak from '../../src/commands/speak.js'
import Transcribe from '../../src/commands/transcribe.js'
import {ConversationStore} from '../../src/lib/chat/conversations.js'
import type {Conversation} from '../../src/lib/chat/types.js'
import {KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const TRIP: Conversation = {
  created_at: '2026-01-02T03:04:05.000Z',
  id: 'mjwh0a2t-k3q9',
  messages: [
    {content: 'Best month for Lisbon?', role: 'user'},
    {content: 'May or September.', role: 'assistant'},
  ],
  model: 'llama-3.3-70b-versatile',
  name: 'trip',
  params: {},
  updated_at: '2026-01-02T03:10:00.000Z',
  usage: {completion_tokens: 6, prompt_tokens: 30, total_tokens: 36},
  version: 1,
}

describe('conversations export --jq', () => {
  it('filters the JSON document; refuses it for Markdown and for -O FILE (exit 2, nothing written)', async () => {
    const {env, root} = tempHome()
    await new ConversationStore(join(env.XDG_DATA_HOME!, 'groq', 'conversations')).save(TRIP)
    expect(await run(ConversationsExport, ['trip', '--jq', '.messages[].content'], {env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: 'Best month for Lisbon?\nMay or September.\n',
    })
    expect(await run(ConversationsExport, ['trip', '--format', 'markdown', '--jq', '.'], {env})).toEqual({
      exitCode: 2,
      stderr: 'Error: --jq: the Markdown document is not JSON (--format json is)\n',
      stdout: '',
    })
    const file = join(root, 'trip.json')
    expect((await run(ConversationsExport, ['trip', '-O', file, '--jq', '.'], {env})).stderr).toBe(
      'Error: --jq: prints to stdout; not with -O FILE (redirect stdout instead)\n',
    )
  })

  it('on a terminal the JSON is coloured; in a pipe it is the stored document as it is', async () => {
    const {env} = tempHome()
    await new ConversationStore(join(env.XDG_DATA_HOME!, 'groq', 'conversations')).save(TRIP)
    const piped = await run(ConversationsExport, ['trip'], {env})
    expect(JSON.parse(piped.stdout)).toEqual(TRIP)
    const tty = await run(ConversationsExport, ['trip'], {env, stdoutTTY: true})
    expect(tty.stdout).toContain('\u001B[34;1m"model"\u001B[0m: \u001B[32m"llama-3.3-70b-versatile"\u001B[0m')
  })
})

describe('commands whose output is not JSON refuse --jq before any request (no interceptor: a request fails)', () => {
  const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

  it.each([
    ['speak', Speak, ['hello', '--jq', '.'], 'speak writes audio, not JSON'],
    [
      'files download',
      FilesDownload,
      ['file_abc', '--jq', '.'],
      "files download writes the file's content as it is; pipe it to jq (groq files download ID | jq …)",
    ],
    [
      'batches results',
      BatchesResults,
      ['batch_abc', '--jq', '.'],
      'batches results writes the result lines as they are; pipe them to jq (groq batches results ID | jq …)',
    ],
    [
      'batches run --wait',
      BatchesRun,
      ['prompts.txt', '--wait', '--jq', '.'],
      'with --wait the results are written as JSONL as they are; pipe them to jq',
    ],
    [
      'transcribe --out-dir',
      Transcribe,
      ['talk.mp3', '--out-dir', 'subs', '--jq', '.'],
      'with --out-dir the results are written to files',
    ],
  ])('%s', async (_name, command, argv, message) => {
    const result = await run(command as Parameters<typeof run>[0], argv as string[], {env: env()})
    expect(result).toEqual({exitCode: 2, stderr: `Error: --jq: ${message}\n`, stdout: ''})
  })
})
