import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Speak from '../../src/commands/speak.js'
import {API, KEY} from '../helpers/fixtures.js'
import {wavBytes} from '../helpers/audio.js'
import {run, tempHome} from '../helpers/run.js'

const SPEECH = '/openai/v1/audio/speech'
/** What the API sends back: a real WAV (the spec's response is audio/wav). */
const AUDIO = wavBytes({seconds: 0.5, sampleRate: 24_000})

function setup(config?: Record<string, unknown>) {
  const home = tempHome()
  if (config) {
    mkdirSync(join(home.configHome, 'groq'), {recursive: true})
    writeFileSync(join(home.configHome, 'groq', 'config.json'), JSON.stringify({profiles: {default: config}}), {
      mode: 0o600,
    })
  }
  const dir = join(home.root, 'out')
  mkdirSync(dir)
  return {dir, env: {...home.env, GROQ_API_KEY: KEY}}
}

/** Expects one POST with exactly this JSON body and answers with the audio. */
const expectSpeech = (body: Record<string, unknown>) =>
  nock(API, {reqheaders: {authorization: `Bearer ${KEY}`, 'content-type': /application\/json/}})
    .post(SPEECH, body as nock.DataMatcherMap)
    .reply(200, AUDIO, {'content-length': String(AUDIO.length), 'content-type': 'audio/wav'})

describe('speak', () => {
  it('-O out.wav: sends model, input, voice and the format from the extension; writes the exact bytes', async () => {
    const {dir, env} = setup()
    const scope = expectSpeech({
      input: 'Your build is ready',
      model: 'playai-tts',
      response_format: 'wav',
      voice: 'Fritz-PlayAI',
    })
    const out = join(dir, 'ready.wav')
    const result = await run(Speak, ['Your build is ready', '-O', out], {env})
    expect(scope.isDone()).toBe(true)
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: ''})
    expect(readFileSync(out).equals(AUDIO)).toBe(true)
    expect(readdirSync(dir)).toEqual(['ready.wav']) // no temp file left
  })

  it('every flag: --model, --voice, --format, --speed, --sample-rate', async () => {
    const {env} = setup()
    expectSpeech({
      input: 'Hi',
      model: 'playai-tts-arabic',
      response_format: 'flac',
      sample_rate: 24_000,
      speed: 1.25,
      voice: 'Nasser-PlayAI',
    })
    const result = await run(
      Speak,
      [
        'Hi',
        '-m',
        'playai-tts-arabic',
        '--voice',
        'Nasser-PlayAI',
        '--format',
        'flac',
        '--speed',
        '1.25',
        '--sample-rate',
        '24000',
      ],
      {env},
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout.startsWith('RIFF')).toBe(true)
  })

  it('model and voice default from config model.speak and speak.voice', async () => {
    const {env} = setup({'model.speak': 'canopylabs/orpheus-v1-english', 'speak.voice': 'troy'})
    expectSpeech({input: 'Hello', model: 'canopylabs/orpheus-v1-english', voice: 'troy'})
    expect((await run(Speak, ['Hello'], {env})).exitCode).toBe(0)
  })

  it('piped stdout gets the audio (no -O, or -O -); the text can come from stdin', async () => {
    const {env} = setup()
    expectSpeech({input: 'from a pipe', model: 'playai-tts', voice: 'Fritz-PlayAI'})
    const piped = await run(Speak, [], {env, stdin: 'from a pipe\n'})
    expect(piped.exitCode).toBe(0)
    // The in-process capture decodes stdout as UTF-8; the e2e test compares the piped bytes exactly.
    expect(piped.stdout.startsWith('RIFF')).toBe(true)

    expectSpeech({input: 'dash', model: 'playai-tts', response_format: 'wav', voice: 'Fritz-PlayAI'})
    const dash = await run(Speak, ['dash', '-O', '-', '--format', 'wav'], {env})
    expect(dash.exitCode).toBe(0)
  })

  it('--input-file reads the text from a file', async () => {
    const {dir, env} = setup()
    writeFileSync(join(dir, 'notes.txt'), 'Line one.\nLine two.\n')
    expectSpeech({input: 'Line one.\nLine two.', model: 'playai-tts', response_format: 'mp3', voice: 'Fritz-PlayAI'})
    const result = await run(Speak, ['--input-file', join(dir, 'notes.txt'), '-O', join(dir, 'notes.mp3')], {env})
    expect(result.exitCode).toBe(0)
    expect(readFileSync(join(dir, 'notes.mp3')).equals(AUDIO)).toBe(true)
  })

  describe('refused before any request (exit 2)', () => {
    // No nock interceptor here: a request would fail the test (nock refuses unknown requests).
    it.each([
      [['Hi'], 'speech.mp3'],
      [['Hi', '-O', '-', '--format', 'wav'], 'speech.wav'],
    ])('binary to a terminal, even with -O -, with a hint to use -O: %j', async (argv, name) => {
      const {env} = setup()
      const result = await run(Speak, argv, {env, stdoutTTY: true})
      expect(result).toEqual({
        exitCode: 2,
        stderr: `Error: Refusing to write binary data to the terminal: pass -O ${name} (or pipe or redirect stdout)\n`,
        stdout: '',
      })
    })

    it('an existing -O file without --force is kept', async () => {
      const {dir, env} = setup()
      const out = join(dir, 'speech.wav')
      writeFileSync(out, 'keep me')
      const result = await run(Speak, ['Hi', '-O', out], {env})
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toBe(`Error: ${out} already exists; pass --force to overwrite it\n`)
      expect(readFileSync(out, 'utf8')).toBe('keep me')
    })

    it('--force replaces it', async () => {
      const {dir, env} = setup()
      const out = join(dir, 'speech.wav')
      writeFileSync(out, 'old')
      expectSpeech({input: 'Hi', model: 'playai-tts', response_format: 'wav', voice: 'Fritz-PlayAI'})
      expect((await run(Speak, ['Hi', '-O', out, '--force'], {env})).exitCode).toBe(0)
      expect(readFileSync(out).equals(AUDIO)).toBe(true)
    })

    it.each([
      [
        ['x'.repeat(10_001), '-O', 'a.wav'],
        'Error: The text is 10,001 characters; playai-tts takes at most 10,000 per request (split it, or choose another model with --model)\n',
      ],
      [
        ['Hi', '-O', 'a.bin'],
        'Error: -O a.bin: cannot tell the audio format from the extension; give --format (flac, mp3, mulaw, ogg, wav)\n',
      ],
      [['Hi', '-O', 'a.wav', '--format', 'mp3'], 'Error: --format mp3 does not match a.wav (a .wav file)\n'],
      [['Hi', '--speed', '9'], 'Error: --speed: 9 is out of range (must be from 0.5 to 5)\n'],
      [
        ['Hi', '-m', 'canopylabs/orpheus-v1-english'],
        'Error: --voice: required for canopylabs/orpheus-v1-english (or set a default: groq config set speak.voice NAME)\n',
      ],
    ])('%j', async (argv, stderr) => {
      const {env} = setup()
      expect(await run(Speak, argv, {env})).toEqual({exitCode: 2, stderr, stdout: ''})
    })

    it('no text on a terminal', async () => {
      const {env} = setup()
      const result = await run(Speak, ['-O', 'x.wav'], {env, stdinTTY: true})
      expect(result.stderr).toBe('Error: Give the text to say: an argument, --input-file FILE, or pipe it to stdin\n')
      expect(result.exitCode).toBe(2)
    })
  })

  it('a connection cut mid-download leaves no file and exits 6', async () => {
    const {dir, env} = setup()
    const out = join(dir, 'cut.wav')
    nock(API)
      .post(SPEECH)
      .reply(200, AUDIO.subarray(0, 100), {'content-length': String(AUDIO.length), 'content-type': 'audio/wav'})
    const result = await run(Speak, ['Hi', '-O', out], {env})
    expect(result.exitCode).toBe(6)
    expect(result.stderr).toMatch(/^Error: Download (interrupted after|incomplete: got) 100 .*\n$/)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })
})
