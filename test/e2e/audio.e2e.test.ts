/**
 * transcribe, translate and speak through the built CLI: every request field against Prism (a recording proxy in
 * front shows what reached it and that Prism answered 200, i.e. the request passed its validation), and a local
 * server for what Prism cannot answer (segments for subtitles, real audio bytes, a folder run).
 */
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, inject, it, type TestContext} from 'vitest'

import {makeHome, runCli, startServer} from '../helpers/cli.js'
import {parseMultipart, wavBytes, wavFile} from '../helpers/audio.js'

const prismURL = inject('prismURL')
// Contract tests: skipped when Groq's spec is missing outside CI (test/helpers/spec.ts).
const withPrism = describe.skipIf(!prismURL)
const KEY = 'gsk_e2e_0123456789'

/** A home with audio/tone.wav (a real WAV), removed after the test. */
function audioHome(onTestFinished: TestContext['onTestFinished']) {
  const home = makeHome()
  onTestFinished(() => rmSync(home, {force: true, recursive: true}))
  const dir = join(home, 'audio')
  mkdirSync(dir)
  const wav = join(dir, 'tone.wav')
  return {bytes: wavFile(wav, {seconds: 0.5}), dir, home, wav}
}

async function serve(onTestFinished: TestContext['onTestFinished'], options: Parameters<typeof startServer>[0]) {
  const server = await startServer(options)
  onTestFinished(() => server.close())
  return server
}

const env = (baseURL: string) => ({GROQ_API_KEY: KEY, GROQ_BASE_URL: baseURL})

withPrism.concurrent('audio against Prism (every request validated)', () => {
  it('transcribe with every field: a real WAV streamed with Content-Length; Prism answers 200', async ({
    expect,
    onTestFinished,
  }) => {
    const {bytes, home, wav} = audioHome(onTestFinished)
    const proxy = await serve(onTestFinished, {proxy: prismURL})
    const result = await runCli(
      [
        'transcribe',
        wav,
        ...['-m', 'whisper-large-v3', '--language', 'en', '--prompt', 'Tone test', '--temperature', '0.3'],
        ...['--response-format', 'verbose_json', '--timestamps', 'word', '--timestamps', 'segment', '--json'],
      ],
      {env: env(proxy.url), home},
    )
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({text: 'string'})
    const [request] = proxy.requests
    expect(request.path).toBe('/openai/v1/audio/transcriptions')
    expect(request.response?.status).toBe(200)
    expect(Number(request.headers['content-length'])).toBe(request.body.length)
    expect(request.headers['transfer-encoding']).toBeUndefined()
    const parts = parseMultipart(request.body, String(request.headers['content-type']))
    expect(parts[0]).toMatchObject({contentType: 'audio/wav', filename: 'tone.wav', name: 'file'})
    expect(parts[0].data.equals(bytes)).toBe(true)
    expect(parts.slice(1).map((part) => [part.name, part.data.toString()])).toEqual([
      ['model', 'whisper-large-v3'],
      ['language', 'en'],
      ['prompt', 'Tone test'],
      ['temperature', '0.3'],
      ['response_format', 'verbose_json'],
      ['timestamp_granularities[]', 'word'],
      ['timestamp_granularities[]', 'segment'],
    ])
  })

  it('translate a URL (the url field) and a file; plain output is the text', async ({expect, onTestFinished}) => {
    const {home, wav} = audioHome(onTestFinished)
    const proxy = await serve(onTestFinished, {proxy: prismURL})
    const result = await runCli(
      ['translate', 'https://example.com/talk.mp3', wav, '--prompt', 'Names', '--temperature', '0'],
      {env: env(proxy.url), home},
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(`https://example.com/talk.mp3\tstring\n${wav}\tstring\n`)
    expect(result.stderr).toBe('2 inputs: 2 done, 0 failed\n')
    expect(proxy.requests.map((request) => [request.path, request.response?.status])).toEqual([
      ['/openai/v1/audio/translations', 200],
      ['/openai/v1/audio/translations', 200],
    ])
    const byName = proxy.requests.map((request) =>
      parseMultipart(request.body, String(request.headers['content-type'])).map((part) => part.name),
    )
    expect(byName).toContainEqual(['url', 'model', 'prompt', 'temperature'])
    expect(byName).toContainEqual(['file', 'model', 'prompt', 'temperature'])
  })

  it('speak with every field writes what Prism sends to -O, atomically', async ({expect, onTestFinished}) => {
    const {dir, home} = audioHome(onTestFinished)
    const proxy = await serve(onTestFinished, {proxy: prismURL})
    const out = join(dir, 'hello.wav')
    const result = await runCli(
      ['speak', 'Hello', '-O', out, '-m', 'playai-tts', '--voice', 'Fritz-PlayAI', '--speed', '1.5'].concat([
        '--sample-rate',
        '24000',
      ]),
      {env: env(proxy.url), home},
    )
    expect(result).toMatchObject({exitCode: 0, stderr: '', stdout: ''})
    expect(proxy.requests[0].response?.status).toBe(200)
    expect(JSON.parse(proxy.requests[0].text)).toEqual({
      input: 'Hello',
      model: 'playai-tts',
      response_format: 'wav',
      sample_rate: 24_000,
      speed: 1.5,
      voice: 'Fritz-PlayAI',
    })
    expect(readFileSync(out, 'utf8')).toBe('string') // Prism's placeholder for a binary body
    expect(readdirSync(dir).sort()).toEqual(['hello.wav', 'tone.wav'])
  })
})

describe.concurrent('audio against a local server', () => {
  it('a folder with a bad file, a good one and one done: the error, the result, the skip; exit 2', async ({
    expect,
    onTestFinished,
  }) => {
    const {dir, home} = audioHome(onTestFinished)
    const out = join(home, 'subs')
    mkdirSync(out)
    writeFileSync(join(dir, 'bad.wav'), 'not a wav\n')
    wavFile(join(dir, 'done.wav'))
    writeFileSync(join(out, 'done.srt'), 'from the last run\n')
    const server = await serve(onTestFinished, {
      reply: {
        body: {segments: [{end: 1.5, id: 0, seek: 0, start: 0, text: ' A tone.', tokens: []}], text: ' A tone.'},
        status: 200,
      },
    })
    const result = await runCli(['transcribe', dir, '-f', 'srt', '--out-dir', out], {env: env(server.url), home})
    expect(result).toMatchObject({
      exitCode: 2,
      stderr:
        `Error: ${join(dir, 'bad.wav')}: does not look like WAV (unrecognised content)\n` +
        `${join(dir, 'done.wav')}: skipped, ${join(out, 'done.srt')} exists (--force to redo it)\n` +
        `${join(dir, 'tone.wav')} -> ${join(out, 'tone.srt')}\n` +
        '3 inputs: 1 done, 1 skipped (already there), 1 failed\n',
      stdout: '',
    })
    expect(server.requests).toHaveLength(1)
    expect(readFileSync(join(out, 'tone.srt'), 'utf8')).toBe('1\n00:00:00,000 --> 00:00:01,500\nA tone.\n')
    expect(readFileSync(join(out, 'done.srt'), 'utf8')).toBe('from the last run\n')
  })

  it('speak -O - to a pipe: the audio bytes on stdout, nothing on stderr', async ({expect, onTestFinished}) => {
    const audio = wavBytes({seconds: 0.2, sampleRate: 24_000})
    const server = await serve(onTestFinished, {
      reply: {body: audio, headers: {'content-type': 'audio/wav'}, status: 200},
    })
    const result = await runCli(['speak', 'Hi', '--format', 'wav', '-O', '-'], {env: env(server.url)})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    // runCli decodes stdout as UTF-8; the same bytes decode to the same text, other bytes (almost surely) not.
    expect(result.stdout).toBe(audio.toString('utf8'))
    expect(JSON.parse(server.requests[0].text)).toEqual({
      input: 'Hi',
      model: 'playai-tts',
      response_format: 'wav',
      voice: 'Fritz-PlayAI',
    })
  })
})
