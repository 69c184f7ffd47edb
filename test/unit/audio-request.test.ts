import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {buildTranscriptPlan, fieldEntries} from '../../src/lib/audio/request.js'
import {
  buildSpeechRequest,
  formatFromPath,
  MAX_INPUT_FILE_BYTES,
  readSpeechInput,
  resolveSpeechFormat,
} from '../../src/lib/audio/speech.js'
import {readStdin} from '../../src/lib/core/io.js'
import {wavBytes} from '../helpers/audio.js'
import {tempHome} from '../helpers/run.js'

const M = 'whisper-large-v3-turbo'

describe('buildTranscriptPlan', () => {
  it('only the model when no flag is given: the API defaults to json', () => {
    expect(buildTranscriptPlan('transcription', {}, M)).toEqual({
      fields: {model: M},
      responseFormat: 'json',
      subtitle: undefined,
      words: false,
    })
  })

  it('every field, in the order sent', () => {
    const plan = buildTranscriptPlan(
      'transcription',
      {
        language: 'DE',
        prompt: 'Namen: Jörg',
        'response-format': 'verbose_json',
        temperature: '0.2',
        timestamps: ['word'],
      },
      M,
    )
    expect(fieldEntries(plan.fields)).toEqual([
      ['model', M],
      ['language', 'de'],
      ['prompt', 'Namen: Jörg'],
      ['temperature', '0.2'],
      ['response_format', 'verbose_json'],
      ['timestamp_granularities[]', 'word'],
    ])
  })

  it('--timestamps implies verbose_json; repeats are sent once', () => {
    const plan = buildTranscriptPlan('transcription', {timestamps: ['segment', 'word', 'segment']}, M)
    expect(plan.fields).toEqual({
      model: M,
      response_format: 'verbose_json',
      timestamp_granularities: ['segment', 'word'],
    })
  })

  it('-f srt and vtt imply verbose_json, and add segment timestamps to word-only', () => {
    expect(buildTranscriptPlan('transcription', {format: 'srt'}, M).fields).toEqual({
      model: M,
      response_format: 'verbose_json',
    })
    const plan = buildTranscriptPlan('transcription', {format: 'vtt', timestamps: ['word']}, M)
    expect(plan.fields.timestamp_granularities).toEqual(['word', 'segment'])
    expect(plan.subtitle).toBe('vtt')
  })

  it('-f tsv: rows per word when word timestamps are asked for', () => {
    expect(buildTranscriptPlan('transcription', {format: 'tsv'}, M).words).toBe(false)
    expect(buildTranscriptPlan('transcription', {format: 'tsv', timestamps: ['word']}, M)).toMatchObject({
      fields: {timestamp_granularities: ['word']},
      words: true,
    })
  })

  it('a translation: no language, no granularities; -f still works from segments', () => {
    expect(buildTranscriptPlan('translation', {format: 'srt', prompt: 'x'}, 'whisper-large-v3').fields).toEqual({
      model: 'whisper-large-v3',
      prompt: 'x',
      response_format: 'verbose_json',
    })
  })

  it.each([
    [
      {language: 'xx'},
      '--language: "xx" is not an ISO-639-1 code Groq knows (e.g. en, de, fr, es, ja, zh; see --help)',
    ],
    [{temperature: '1.5'}, '--temperature: 1.5 is out of range (must be from 0 to 1)'],
    [{temperature: '0x1'}, '--temperature: "0x1" is not a number (must be from 0 to 1)'],
    [{temperature: ''}, '--temperature: "" is not a number'],
    [{'response-format': 'srt'}, '--response-format: "srt" must be one of json, text, verbose_json'],
    [{format: 'ass'}, '--format: "ass" must be one of srt, vtt, tsv'],
    [{timestamps: ['char']}, '--timestamps: "char" must be one of word, segment'],
    [{format: 'srt', 'response-format': 'text'}, '--response-format: -f srt needs verbose_json, not text'],
    [{'response-format': 'json', timestamps: ['word']}, '--response-format: --timestamps needs verbose_json, not json'],
  ])('transcription %j is refused: %s', (flags, message) => {
    expect(() => buildTranscriptPlan('transcription', flags, M)).toThrow(message)
  })

  it.each([
    [{language: 'en'}, '--language: translations take no language (the output is English)'],
    [{timestamps: ['word']}, '--timestamps: translations take no timestamp granularities'],
  ])('translation %j is refused', (flags, message) => {
    expect(() => buildTranscriptPlan('translation', flags, M)).toThrow(message)
  })

  it('an empty model is refused', () => {
    expect(() => buildTranscriptPlan('transcription', {}, ' ')).toThrow('--model: must not be empty')
  })
})

describe('speech', () => {
  it('defaults: the spec’s example model and voice; no format for stdout', () => {
    expect(buildSpeechRequest('Hello', {})).toEqual({input: 'Hello', model: 'playai-tts', voice: 'Fritz-PlayAI'})
  })

  it('config defaults come after flags', () => {
    expect(buildSpeechRequest('Hi', {}, {model: 'playai-tts-arabic', voice: 'Nasser-PlayAI'})).toMatchObject({
      model: 'playai-tts-arabic',
      voice: 'Nasser-PlayAI',
    })
    expect(buildSpeechRequest('Hi', {voice: 'Celeste-PlayAI'}, {voice: 'Nasser-PlayAI'}).voice).toBe('Celeste-PlayAI')
  })

  it('every field', () => {
    expect(
      buildSpeechRequest('Hi', {format: 'flac', model: 'playai-tts', 'sample-rate': '24000', speed: '1.5', voice: 'V'}),
    ).toEqual({input: 'Hi', model: 'playai-tts', response_format: 'flac', sample_rate: 24_000, speed: 1.5, voice: 'V'})
  })

  it('the format comes from the -O extension', () => {
    expect(formatFromPath('out.WAV')).toBe('wav')
    expect(formatFromPath('a/b.ulaw')).toBe('mulaw')
    expect(formatFromPath('a.oga')).toBe('ogg')
    expect(resolveSpeechFormat({out: 'x.mp3'})).toBe('mp3')
    expect(resolveSpeechFormat({format: 'wav', out: '-'})).toBe('wav')
    expect(resolveSpeechFormat({out: '-'})).toBeUndefined()
  })

  it.each([
    [
      {out: 'speech.bin'},
      '-O speech.bin: cannot tell the audio format from the extension; give --format (flac, mp3, mulaw, ogg, wav)',
    ],
    [{format: 'mp3', out: 'speech.wav'}, '--format mp3 does not match speech.wav (a .wav file)'],
    [{format: 'aac'}, '--format: "aac" must be one of flac, mp3, mulaw, ogg, wav'],
    [{speed: '6'}, '--speed: 6 is out of range (must be from 0.5 to 5)'],
    [{'sample-rate': '44000'}, '--sample-rate: "44000" must be one of 8000, 16000, 22050, 24000, 32000, 44100, 48000'],
    [
      {model: 'canopylabs/orpheus-v1-english'},
      '--voice: required for canopylabs/orpheus-v1-english (or set a default: groq config set speak.voice NAME)',
    ],
  ])('%j is refused: %s', (flags, message) => {
    expect(() => buildSpeechRequest('Hello', flags)).toThrow(message)
  })

  it('text over the model’s limit is refused naming the limit (counted in characters, not UTF-16 units)', () => {
    expect(() => buildSpeechRequest('x'.repeat(10_001), {})).toThrow(
      'The text is 10,001 characters; playai-tts takes at most 10,000 per request (split it, or choose another model with --model)',
    )
    const emoji = '🙂'.repeat(200) // 400 UTF-16 units, 200 characters
    expect(buildSpeechRequest(emoji, {model: 'canopylabs/orpheus-v1-english', voice: 'troy'}).input).toBe(emoji)
    expect(() => buildSpeechRequest(emoji + '!', {model: 'canopylabs/orpheus-v1-english', voice: 'troy'})).toThrow(
      'The text is 201 characters; canopylabs/orpheus-v1-english takes at most 200',
    )
  })

  it('an unknown model has no known limit; empty text is refused', () => {
    expect(buildSpeechRequest('x'.repeat(50_000), {model: 'new-tts', voice: 'v'}).input).toHaveLength(50_000)
    expect(() => buildSpeechRequest(' \n', {})).toThrow('Nothing to say: the text is empty')
  })
})

describe('readSpeechInput', () => {
  /** Options with an IO whose stdin holds `stdin` (a TTY when `tty`), read through core's bounded reader. */
  const from = (stdin: string | undefined, tty = false) => {
    const stream = Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]) as Readable & {isTTY?: boolean}
    stream.isTTY = tty
    const io = {env: {}, stderr: process.stderr, stdin: stream, stdout: process.stdout}
    return {io, readStdin: () => readStdin(io, {maxBytes: 100})}
  }

  it('the argument; else --input-file; else stdin when piped; a final newline is dropped', async () => {
    expect(await readSpeechInput({...from('ignored'), text: 'Hi there'})).toBe('Hi there')
    const path = join(tempHome().root, 'notes.txt')
    writeFileSync(path, 'From a file.\nTwo lines.\n')
    expect(await readSpeechInput({...from(undefined, true), file: path})).toBe('From a file.\nTwo lines.')
    expect(await readSpeechInput(from('piped\r\n'))).toBe('piped')
    expect(await readSpeechInput({...from('dash'), text: '-'})).toBe('dash')
    expect(await readSpeechInput({...from('dash file'), file: '-'})).toBe('dash file')
  })

  it('nothing to read on a terminal, both sources, a missing, binary or huge file, too much stdin: exit 2', async () => {
    await expect(readSpeechInput(from(undefined, true))).rejects.toThrow(
      'Give the text to say: an argument, --input-file FILE, or pipe it to stdin',
    )
    await expect(readSpeechInput({...from(''), file: 'a.txt', text: 'x'})).rejects.toThrow(
      'Give the text as an argument or --input-file, not both',
    )
    await expect(readSpeechInput({...from(''), file: '/nowhere/a.txt'})).rejects.toMatchObject({
      exitCode: 2,
      message: '--input-file: cannot read /nowhere/a.txt (no such file)',
    })
    const dir = tempHome().root
    writeFileSync(join(dir, 'tone.wav'), wavBytes())
    await expect(readSpeechInput({...from(''), file: join(dir, 'tone.wav')})).rejects.toMatchObject({exitCode: 2})
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(MAX_INPUT_FILE_BYTES + 1))
    await expect(readSpeechInput({...from(''), file: join(dir, 'big.txt')})).rejects.toThrow(
      `--input-file: ${join(dir, 'big.txt')} is 1.0 MB, more than 1.0 MB, the limit`,
    )
    await expect(readSpeechInput(from('x'.repeat(101)))).rejects.toMatchObject({exitCode: 2})
  })
})
