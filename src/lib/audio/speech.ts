import {extname} from 'node:path'

import {UsageError} from '../core/errors.js'
import {oneOf, parseNumberValue} from '../core/flag-values.js'
import {readTextFile} from '../core/input.js'
import {type IO, isStdinTTY} from '../core/io.js'
import {
  DEFAULT_SPEAK_MODEL,
  DEFAULT_SPEAK_VOICE,
  SPEECH_FORMATS,
  SPEECH_INPUT_LIMITS,
  SPEECH_SAMPLE_RATES,
  SPEECH_SPEED,
  type SpeechFormat,
  type SpeechSampleRate,
} from './spec.js'

/**
 * The body of POST /openai/v1/audio/speech from `groq speak`'s flags, validated before any request:
 * the format from --format or else the -O extension, the voice from --voice, config `speak.voice` or the
 * spec's example, and the text within the model's limit.
 */

export interface SpeechFlags {
  format?: string
  model?: string
  out?: string
  'sample-rate'?: string
  speed?: string
  voice?: string
}

export interface SpeechDefaults {
  /** config `model.speak` */
  model?: string
  /** config `speak.voice` */
  voice?: string
}

export interface SpeechRequest {
  input: string
  model: string
  response_format?: SpeechFormat
  sample_rate?: SpeechSampleRate
  speed?: number
  voice: string
}

/** Output file extensions and the format each means (mu-law is headerless: .ulaw, .ul and .mulaw are its names). */
const EXTENSION_FORMATS: Record<string, SpeechFormat> = {
  flac: 'flac',
  mp3: 'mp3',
  mulaw: 'mulaw',
  oga: 'ogg',
  ogg: 'ogg',
  ul: 'mulaw',
  ulaw: 'mulaw',
  wav: 'wav',
}

/** The format an output path's extension names, if any. */
export function formatFromPath(path: string): SpeechFormat | undefined {
  return EXTENSION_FORMATS[extname(path).slice(1).toLowerCase()]
}

/**
 * --format, else the -O extension. Writing to stdout (`-O -` or no -O) without --format sends none: the API's
 * default (mp3 in the spec) applies. A file whose extension names no format needs --format; one whose
 * extension names another format than --format is refused (mp3 bytes in a .wav play nowhere).
 */
export function resolveSpeechFormat(flags: Pick<SpeechFlags, 'format' | 'out'>): SpeechFormat | undefined {
  const chosen = flags.format === undefined ? undefined : oneOf('--format', flags.format, SPEECH_FORMATS)
  const toFile = flags.out !== undefined && flags.out !== '-'
  if (!toFile) return chosen
  const inferred = formatFromPath(flags.out!)
  if (chosen && inferred && chosen !== inferred) {
    throw new UsageError(`--format ${chosen} does not match ${flags.out} (a .${extname(flags.out!).slice(1)} file)`)
  }
  if (!chosen && !inferred) {
    throw new UsageError(
      `-O ${flags.out}: cannot tell the audio format from the extension; give --format (${SPEECH_FORMATS.join(', ')})`,
    )
  }
  return chosen ?? inferred
}

/** Code points, not UTF-16 units: what a user counts as characters. */
export const characterCount = (text: string): number => [...text].length

export function buildSpeechRequest(input: string, flags: SpeechFlags, defaults: SpeechDefaults = {}): SpeechRequest {
  const model = flags.model ?? defaults.model ?? DEFAULT_SPEAK_MODEL
  if (!model.trim()) throw new UsageError('--model: must not be empty')
  if (!input.trim()) throw new UsageError('Nothing to say: the text is empty')
  const limit = SPEECH_INPUT_LIMITS[model]
  const length = characterCount(input)
  if (limit !== undefined && length > limit) {
    throw new UsageError(
      `The text is ${length.toLocaleString('en-US')} characters; ${model} takes at most ${limit.toLocaleString('en-US')} ` +
        'per request (split it, or choose another model with --model)',
    )
  }
  const voice = flags.voice ?? defaults.voice ?? (model === DEFAULT_SPEAK_MODEL ? DEFAULT_SPEAK_VOICE : undefined)
  if (voice === undefined) {
    throw new UsageError(`--voice: required for ${model} (or set a default: groq config set speak.voice NAME)`)
  }
  if (!voice.trim()) throw new UsageError('--voice: must not be empty')

  const body: SpeechRequest = {input, model, voice}
  const format = resolveSpeechFormat(flags)
  if (format) body.response_format = format
  if (flags.speed !== undefined) body.speed = parseNumberValue('--speed', flags.speed, SPEECH_SPEED)
  if (flags['sample-rate'] !== undefined) {
    const rates = SPEECH_SAMPLE_RATES.map(String)
    body.sample_rate = Number(oneOf('--sample-rate', flags['sample-rate'].trim(), rates)) as SpeechSampleRate
  }
  return body
}

/** More text than any TTS model takes: an --input-file larger than this is refused unread (/dev/zero too). */
export const MAX_INPUT_FILE_BYTES = 1_000_000

/**
 * The text to say: the argument, else --input-file (a path, or `-`), else stdin when it is not a terminal.
 * Files and stdin are read bounded and checked (core/input.ts: binary or invalid UTF-8 refused). A trailing
 * newline (from `echo` or a file) is not part of what is said.
 */
export async function readSpeechInput(options: {
  file?: string
  io: IO
  /** Reads all of stdin (BaseCommand.readStdinText: bounded by config max_stdin). */
  readStdin: () => Promise<string>
  text?: string
}): Promise<string> {
  const {file, io, text} = options
  if (text !== undefined && file !== undefined)
    throw new UsageError('Give the text as an argument or --input-file, not both')
  let input: string
  if (text !== undefined && text !== '-') input = text
  else if (file !== undefined && file !== '-') {
    input = await readTextFile(file, {maxBytes: MAX_INPUT_FILE_BYTES, what: '--input-file'})
  } else if (text === '-' || file === '-' || !isStdinTTY(io)) input = await options.readStdin()
  else throw new UsageError('Give the text to say: an argument, --input-file FILE, or pipe it to stdin')
  return input.replace(/\r?\n$/, '')
}
