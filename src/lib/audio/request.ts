import {UsageError} from '../core/errors.js'
import {oneOf, parseNumberValue} from '../core/flag-values.js'
import {SUBTITLE_FORMATS, type SubtitleFormat} from './subtitles.js'
import {
  TIMESTAMP_GRANULARITIES,
  type TimestampGranularity,
  TRANSCRIPT_RESPONSE_FORMATS,
  TRANSCRIPT_TEMPERATURE,
  type TranscriptResponseFormat,
  TRANSCRIPTION_LANGUAGES,
} from './spec.js'

/**
 * The fields of a transcription or translation request, from the flags, validated before anything is sent
 * (exit 2 naming the flag). The file or URL is not here: each input adds its own.
 */

export type TranscriptKind = 'transcription' | 'translation'

/** Flag values as typed (numbers stay text so an error can quote them). */
export interface TranscriptFlags {
  format?: string
  language?: string
  model?: string
  prompt?: string
  'response-format'?: string
  temperature?: string
  timestamps?: string[]
}

/** Multipart fields in the order they are sent; an array is sent as repeated `name[]` parts. */
export interface TranscriptFields {
  language?: string
  model: string
  prompt?: string
  response_format?: TranscriptResponseFormat
  temperature?: number
  timestamp_granularities?: TimestampGranularity[]
}

export interface TranscriptPlan {
  fields: TranscriptFields
  /** The response format the output is made from (the API's default, json, when none is sent). */
  responseFormat: TranscriptResponseFormat
  /** -f srt|vtt|tsv: subtitles written from the verbose_json segments (or words). */
  subtitle?: SubtitleFormat
  /** -f tsv with word timestamps asked for: one row per word. */
  words: boolean
}

/**
 * Validates the flags and builds the request fields. `-f srt|vtt|tsv` needs verbose_json (sent even when
 * --response-format is not given; any other --response-format is refused), and srt/vtt need segment
 * timestamps: `segment` is added to --timestamps when only `word` was asked for. --timestamps alone implies
 * verbose_json too, as the API requires.
 */
export function buildTranscriptPlan(kind: TranscriptKind, flags: TranscriptFlags, model: string): TranscriptPlan {
  if (!model.trim()) throw new UsageError('--model: must not be empty')
  const fields: TranscriptFields = {model}

  if (flags.language !== undefined) {
    if (kind === 'translation')
      throw new UsageError('--language: translations take no language (the output is English)')
    const language = flags.language.trim().toLowerCase()
    if (!(TRANSCRIPTION_LANGUAGES as readonly string[]).includes(language)) {
      throw new UsageError(
        `--language: "${flags.language}" is not an ISO-639-1 code Groq knows (e.g. en, de, fr, es, ja, zh; see --help)`,
      )
    }
    fields.language = language
  }
  if (flags.prompt !== undefined) fields.prompt = flags.prompt
  if (flags.temperature !== undefined) {
    fields.temperature = parseNumberValue('--temperature', flags.temperature, TRANSCRIPT_TEMPERATURE)
  }

  const subtitle = flags.format === undefined ? undefined : oneOf('--format', flags.format, SUBTITLE_FORMATS)
  const asked =
    flags['response-format'] === undefined
      ? undefined
      : oneOf('--response-format', flags['response-format'], TRANSCRIPT_RESPONSE_FORMATS)
  const granularities = [
    ...new Set((flags.timestamps ?? []).map((value) => oneOf('--timestamps', value, TIMESTAMP_GRANULARITIES))),
  ]
  if (granularities.length > 0 && kind === 'translation') {
    throw new UsageError('--timestamps: translations take no timestamp granularities (segments come with verbose_json)')
  }

  const needsVerbose = subtitle !== undefined || granularities.length > 0
  if (needsVerbose && asked !== undefined && asked !== 'verbose_json') {
    const why = subtitle ? `-f ${subtitle}` : '--timestamps'
    throw new UsageError(`--response-format: ${why} needs verbose_json, not ${asked}`)
  }
  const responseFormat: TranscriptResponseFormat = needsVerbose ? 'verbose_json' : (asked ?? 'json')
  if (needsVerbose || asked !== undefined) fields.response_format = responseFormat

  if ((subtitle === 'srt' || subtitle === 'vtt') && granularities.length > 0 && !granularities.includes('segment')) {
    granularities.push('segment')
  }
  if (granularities.length > 0) fields.timestamp_granularities = granularities

  return {fields, responseFormat, subtitle, words: subtitle === 'tsv' && granularities.includes('word')}
}

/** The multipart fields as (name, value) pairs, in order: arrays as repeated `name[]`, as groq-sdk sends them. */
export function fieldEntries(fields: TranscriptFields): [string, string][] {
  const entries: [string, string][] = []
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value) entries.push([`${name}[]`, String(item)])
    else entries.push([name, String(value)])
  }
  return entries
}
