import {CliError} from '../core/errors.js'
import type {OutputFormat} from '../core/config.js'
import type {Part} from '../transfer/index.js'
import {inspectAudioFile} from './formats.js'
import {fieldEntries, type TranscriptKind, type TranscriptPlan} from './request.js'
import {type VerboseTranscript, writeSubtitles} from './subtitles.js'

/**
 * One transcription or translation: a local file is checked (formats.ts) and streamed as the multipart `file`
 * part; an http(s) URL is sent as the `url` field, not downloaded. Then the answer becomes the text the user
 * sees: the transcript, or subtitles from its segments.
 */

export const ENDPOINTS: Record<TranscriptKind, string> = {
  transcription: '/openai/v1/audio/transcriptions',
  translation: '/openai/v1/audio/translations',
}

/** Sends one multipart request (transfer/postMultipart) and resolves to the parsed answer (JSON, or text/plain's text). */
export type SendMultipart = (endpoint: string, parts: Part[], label: string) => Promise<unknown>

export interface Transcript {
  /** The API's answer, unchanged (what --json prints). */
  data: unknown
  /** What plain output prints: the text, or the subtitles. */
  text: string
}

export const isURL = (input: string): boolean => /^https?:\/\//i.test(input)

/** The parts of one request, file (or url) first, then the fields in the order buildTranscriptPlan gave them. */
export async function partsFor(input: string, plan: TranscriptPlan, maxBytes: number): Promise<Part[]> {
  const fields = fieldEntries(plan.fields).map(([name, value]) => ({name, value}))
  if (isURL(input)) return [{name: 'url', value: input}, ...fields]
  const file = await inspectAudioFile(input, maxBytes)
  return [{contentType: file.contentType, filename: file.name, name: 'file', path: file.path}, ...fields]
}

/** Text of the answer as the plan asked for it; an answer of the wrong shape is an API problem (exit 1). */
export function transcriptText(data: unknown, plan: TranscriptPlan): string {
  if (plan.subtitle) {
    if (!data || typeof data !== 'object') throw unexpected(data, 'a verbose_json object')
    return writeSubtitles(data as VerboseTranscript, plan.subtitle, {words: plan.words})
  }
  if (typeof data === 'string') return data.trim()
  const text = (data as {text?: unknown} | null)?.text
  if (typeof text !== 'string') throw unexpected(data, 'an object with "text"')
  // Whisper starts its text with a space; a line of output should not.
  return text.trim()
}

function unexpected(data: unknown, wanted: string): CliError {
  const shown = (typeof data === 'string' ? data : (JSON.stringify(data) ?? String(data))).slice(0, 100)
  return new CliError(`Unexpected response: wanted ${wanted}, got ${shown}`)
}

export async function transcribeOne(
  input: string,
  options: {kind: TranscriptKind; maxBytes: number; plan: TranscriptPlan; send: SendMultipart},
): Promise<Transcript> {
  const parts = await partsFor(input, options.plan, options.maxBytes)
  const data = await options.send(ENDPOINTS[options.kind], parts, input)
  return {data, text: transcriptText(data, options.plan)}
}

/** What a result is saved as in --out-dir: subtitles by their format, the API's JSON for -o json, else text. */
export function savedForm(
  plan: TranscriptPlan,
  format: OutputFormat,
): {content: (transcript: Transcript) => string; extension: string} {
  if (format === 'json' || format === 'ndjson') {
    return {content: (transcript) => JSON.stringify(transcript.data, null, 2) + '\n', extension: 'json'}
  }
  const withNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : text + '\n')
  return {content: (transcript) => withNewline(transcript.text), extension: plan.subtitle ?? 'txt'}
}
