/**
 * The fault suite (issue 9) for transcribe, translate and speak: the fake Groq of test/helpers/fault-server.ts cuts
 * an upload mid-way, cuts the audio of a speech answer, answers 429; the exit code, the stderr lines and what is on
 * disk afterwards.
 */
import {mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest'

import Speak from '../../src/commands/speak.js'
import Transcribe from '../../src/commands/transcribe.js'
import {parseMultipart, wavBytes, wavFile} from '../helpers/audio.js'
import {fault, type FaultHandler, startFaultServer} from '../helpers/fault-server.js'
import {KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

// Real sockets between the CLI and the fault server: nock's interceptor (test/setup.ts) would stand in between.
beforeAll(() => nock.restore())
afterAll(() => nock.activate())

const TRANSCRIBE = 'POST /openai/v1/audio/transcriptions'
const SPEECH = 'POST /openai/v1/audio/speech'
/** 4 s of 16 kHz mono: 128 kB, far more than the socket takes before the server cuts at 16 kB. */
const SECONDS = 4

async function groq(routes: Record<string, FaultHandler | FaultHandler[]>) {
  const server = await startFaultServer({routes})
  onTestFinished(() => server.close())
  const home = tempHome()
  const dir = join(home.root, 'audio')
  mkdirSync(dir)
  const wav = join(dir, 'long.wav')
  const bytes = wavFile(wav, {seconds: SECONDS})
  return {bytes, dir, env: {...home.env, GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url}, root: home.root, server, wav}
}

describe('an upload cut mid-way', () => {
  it('every time: retried, then exit 6 with one error line; nothing written to --out-dir', async () => {
    const {env, root, server, wav} = await groq({[TRANSCRIBE]: fault.cutUpload(16_000)})
    const out = join(root, 'out')
    const result = await run(Transcribe, [wav, '--out-dir', out, '--max-retries', '1'], {env})
    expect(server.requests).toHaveLength(2)
    expect(Number(server.requests[0].headers['content-length'])).toBeGreaterThan(SECONDS * 32_000)
    expect(result.exitCode).toBe(6)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/; retrying in .* \(attempt 2 of 2\)$/)
    expect(lines[1]).toMatch(new RegExp(`^Error: ${wav}: `))
    expect(lines[2]).toBe('1 input: 0 done, 1 failed')
    expect(result.stdout).toBe('')
    expect(readdirSync(root)).not.toContain('out')
  })

  it('once: the retry sends the whole file again (read afresh from disk) and the answer is printed', async () => {
    const {bytes, env, server, wav} = await groq({
      [TRANSCRIBE]: [fault.cutUpload(16_000), fault.json(200, {text: ' All of it arrived.'})],
    })
    const result = await run(Transcribe, [wav], {env})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('All of it arrived.\n')
    expect(result.stderr).toMatch(/; retrying in .* \(attempt 2 of 3\)\n$/)
    const [, second] = server.requests
    const parts = parseMultipart(second.body, String(second.headers['content-type']))
    expect(parts[0]).toMatchObject({contentType: 'audio/wav', filename: 'long.wav', name: 'file'})
    expect(parts[0].data.equals(bytes)).toBe(true)
  })

  it('one input of a folder cut every time: the others finish; the exit code is 6', async () => {
    const {dir, env, root, server} = await groq({
      [TRANSCRIBE]: (req, res, body) => {
        const name = parseMultipart(body, String(req.headers['content-type']))[0].filename
        return name === 'long.wav' ? fault.drop()(req, res, body) : fault.json(200, {text: ` ${name}`})(req, res, body)
      },
    })
    wavFile(join(dir, 'short.wav'))
    const out = join(root, 'out')
    const result = await run(Transcribe, [dir, '--out-dir', out, '--max-retries', '0'], {env})
    expect(server.requests).toHaveLength(2)
    expect(result.exitCode).toBe(6)
    expect(result.stderr).toContain(`Error: ${join(dir, 'long.wav')}: `)
    expect(result.stderr).toContain(`${join(dir, 'short.wav')} -> ${join(out, 'short.txt')}\n`)
    expect(result.stderr.endsWith('2 inputs: 1 done, 1 failed\n')).toBe(true)
    expect(readdirSync(out)).toEqual(['short.txt'])
  })
})

describe('speech', () => {
  const AUDIO = wavBytes({seconds: 1, sampleRate: 24_000})

  it('audio cut mid-way: exit 6, no file (not even a temp file), an existing target untouched', async () => {
    const {dir, env} = await groq({
      [SPEECH]: fault.cutBody(
        200,
        {'content-length': String(AUDIO.length), 'content-type': 'audio/wav'},
        AUDIO.subarray(0, 4000),
      ),
    })
    const result = await run(Speak, ['Hello', '-O', join(dir, 'hello.wav')], {env})
    expect(result.exitCode).toBe(6)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(readdirSync(dir)).toEqual(['long.wav'])

    writeFileSync(join(dir, 'keep.wav'), 'old audio')
    const forced = await run(Speak, ['Hello', '-O', join(dir, 'keep.wav'), '--force'], {env})
    expect(forced.exitCode).toBe(6)
    expect(readdirSync(dir).sort()).toEqual(['keep.wav', 'long.wav'])
  })

  it('429 then the audio: the retry is said, the file written whole', async () => {
    const {dir, env, server} = await groq({
      [SPEECH]: [fault.rateLimited({retryAfterMs: '20'}), fault.reply(200, AUDIO, {'content-type': 'audio/wav'})],
    })
    const out = join(dir, 'hello.wav')
    const result = await run(Speak, ['Hello', '-O', out], {env})
    expect(result).toEqual({
      exitCode: 0,
      stderr: '429 rate limited; retrying in 20 ms (attempt 2 of 3)\n',
      stdout: '',
    })
    expect(server.requests).toHaveLength(2)
    expect(readdirSync(dir).sort()).toEqual(['hello.wav', 'long.wav'])
  })
})
