import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {buildTranscriptPlan} from '../../src/lib/audio/request.js'
import {partsFor, savedForm, transcribeOne, transcriptText} from '../../src/lib/audio/transcribe.js'
import {wavFile} from '../helpers/audio.js'
import {tempHome} from '../helpers/run.js'

const M = 'whisper-large-v3-turbo'
const VERBOSE = {
  duration: 2.5,
  language: 'english',
  segments: [{end: 2.5, id: 0, seek: 0, start: 0, text: ' Hello there.', tokens: [1]}],
  text: ' Hello there.',
  words: [
    {end: 0.6, start: 0, word: 'Hello'},
    {end: 1.2, start: 0.6, word: 'there.'},
  ],
}

describe('partsFor', () => {
  it('a local file: the file part (name, content type) first, then the fields', async () => {
    const dir = join(tempHome().root, 'a')
    mkdirSync(dir)
    const path = join(dir, 'tone.wav')
    wavFile(path)
    const plan = buildTranscriptPlan('transcription', {language: 'en', timestamps: ['word', 'segment']}, M)
    expect(await partsFor(path, plan, 25_000_000)).toEqual([
      {contentType: 'audio/wav', filename: 'tone.wav', name: 'file', path},
      {name: 'model', value: M},
      {name: 'language', value: 'en'},
      {name: 'response_format', value: 'verbose_json'},
      {name: 'timestamp_granularities[]', value: 'word'},
      {name: 'timestamp_granularities[]', value: 'segment'},
    ])
  })

  it('a URL is sent as the url field, never read', async () => {
    const plan = buildTranscriptPlan('translation', {}, 'whisper-large-v3')
    expect(await partsFor('https://cdn.example.com/a.ogg', plan, 1)).toEqual([
      {name: 'url', value: 'https://cdn.example.com/a.ogg'},
      {name: 'model', value: 'whisper-large-v3'},
    ])
  })

  it('a bad file is refused before anything is sent', async () => {
    let sent = false
    const plan = buildTranscriptPlan('transcription', {}, M)
    const send = async () => {
      sent = true
      return {}
    }
    await expect(
      transcribeOne('/nowhere/x.wav', {kind: 'transcription', maxBytes: 1e6, plan, send}),
    ).rejects.toMatchObject({exitCode: 2, message: '/nowhere/x.wav: no such file'})
    expect(sent).toBe(false)
  })
})

describe('transcriptText', () => {
  const plan = (flags: Parameters<typeof buildTranscriptPlan>[1]) => buildTranscriptPlan('transcription', flags, M)

  it('json and verbose_json: the text, without Whisper’s leading space; text: the body', () => {
    expect(transcriptText({text: ' Hello there.'}, plan({}))).toBe('Hello there.')
    expect(transcriptText(VERBOSE, plan({'response-format': 'verbose_json'}))).toBe('Hello there.')
    expect(transcriptText(' Hello there.\n', plan({'response-format': 'text'}))).toBe('Hello there.')
  })

  it('subtitles from segments, or tsv rows from words', () => {
    expect(transcriptText(VERBOSE, plan({format: 'srt'}))).toBe('1\n00:00:00,000 --> 00:00:02,500\nHello there.\n')
    expect(transcriptText(VERBOSE, plan({format: 'tsv', timestamps: ['word']}))).toBe(
      '0.000\t0.600\tHello\n0.600\t1.200\tthere.\n',
    )
  })

  it('an answer of the wrong shape is exit 1, quoting its start', () => {
    expect(() => transcriptText({error: 'x'}, plan({}))).toThrow(
      'Unexpected response: wanted an object with "text", got {"error":"x"}',
    )
    expect(() => transcriptText('<html>', plan({format: 'vtt'}))).toThrow(
      'Unexpected response: wanted a verbose_json object, got <html>',
    )
  })
})

describe('savedForm', () => {
  const transcript = {data: {text: ' Hi.'}, text: 'Hi.'}
  it('text as .txt, subtitles by their format, json as the API object', () => {
    const text = savedForm(buildTranscriptPlan('transcription', {}, M), 'plain')
    expect([text.extension, text.content(transcript)]).toEqual(['txt', 'Hi.\n'])
    const srt = savedForm(buildTranscriptPlan('transcription', {format: 'srt'}, M), 'table')
    expect(srt.extension).toBe('srt')
    const json = savedForm(buildTranscriptPlan('transcription', {format: 'srt'}, M), 'json')
    expect([json.extension, json.content(transcript)]).toEqual(['json', '{\n  "text": " Hi."\n}\n'])
  })
})
