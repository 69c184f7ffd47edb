import {expect, it} from 'vitest'

import {
  DEFAULT_SPEAK_MODEL,
  DEFAULT_SPEAK_VOICE,
  DEFAULT_TRANSCRIBE_MODEL,
  SPEECH_FORMATS,
  SPEECH_SAMPLE_RATES,
  SPEECH_SPEED,
  TIMESTAMP_GRANULARITIES,
  TRANSCRIPT_RESPONSE_FORMATS,
  TRANSCRIPTION_LANGUAGES,
  UPLOAD_EXTENSIONS,
} from '../../src/lib/audio/spec.js'
import {describeWithSpec} from '../helpers/contract.js'

describeWithSpec('the audio constants are the spec’s', (spec) => {
  const schemas = spec.components.schemas
  const transcription = schemas.CreateTranscriptionRequest.properties
  const translation = schemas.CreateTranslationRequest.properties
  const speech = schemas.CreateSpeechRequest.properties
  const enumOf = (property: {anyOf: {enum?: string[]}[]}) => property.anyOf.find((option) => option.enum)!.enum

  it('languages: the enum of CreateTranscriptionRequest.language, in order', () => {
    expect([...TRANSCRIPTION_LANGUAGES]).toEqual(enumOf(transcription.language))
  })

  it('response formats and timestamp granularities (translations have no granularities, nor a language)', () => {
    expect([...TRANSCRIPT_RESPONSE_FORMATS]).toEqual(transcription.response_format.enum)
    expect([...TRANSCRIPT_RESPONSE_FORMATS]).toEqual(translation.response_format.enum)
    expect([...TIMESTAMP_GRANULARITIES]).toEqual(transcription.timestamp_granularities.items.enum)
    expect(translation.timestamp_granularities).toBeUndefined()
    expect(translation.language).toBeUndefined()
  })

  it('upload formats: those the file description names, plus opus', () => {
    const named = /formats: ([a-z0-9, ]+?), or ([a-z0-9]+)\./.exec(
      transcription.file.description.replaceAll('\n', ' '),
    )!
    const fromSpec = [...named[1].split(', '), named[2]]
    expect(UPLOAD_EXTENSIONS.filter((extension) => extension !== 'opus').sort()).toEqual(fromSpec.sort())
  })

  it('speech: formats, sample rates, speed range, the example model and voice', () => {
    expect([...SPEECH_FORMATS]).toEqual(speech.response_format.enum)
    expect([...SPEECH_SAMPLE_RATES]).toEqual(speech.sample_rate.enum)
    expect(SPEECH_SPEED).toEqual({max: speech.speed.maximum, min: speech.speed.minimum})
    expect(DEFAULT_SPEAK_MODEL).toBe(speech.model.example)
    expect(DEFAULT_SPEAK_VOICE).toBe(speech.voice.example)
    expect(DEFAULT_TRANSCRIBE_MODEL).toBe(transcription.model.example)
  })
})
