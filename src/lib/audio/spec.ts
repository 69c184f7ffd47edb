import {DEFAULT_AUDIO_MAX_SIZE} from '../core/config.js'

/**
 * What Groq's OpenAPI spec says about the audio operations (createTranscription, createTranslation,
 * createSpeech), as constants the commands validate against before any request.
 * test/unit/audio-spec.test.ts reads ../shared/groq-openapi.yaml and checks every list here against it.
 */

/** CreateTranscriptionRequest.language: the spec's ISO-639-1 codes (plus `haw` and `yue`, which it lists too). */
// prettier-ignore
export const TRANSCRIPTION_LANGUAGES = [
  'en', 'zh', 'de', 'es', 'ru', 'ko', 'fr', 'ja', 'pt', 'tr', 'pl', 'ca', 'nl', 'ar', 'sv', 'it', 'id', 'hi', 'fi',
  'vi', 'he', 'uk', 'el', 'ms', 'cs', 'ro', 'da', 'hu', 'ta', 'no', 'th', 'ur', 'hr', 'bg', 'lt', 'la', 'mi', 'ml',
  'cy', 'sk', 'te', 'fa', 'lv', 'bn', 'sr', 'az', 'sl', 'kn', 'et', 'mk', 'br', 'eu', 'is', 'hy', 'ne', 'mn', 'bs',
  'kk', 'sq', 'sw', 'gl', 'mr', 'pa', 'si', 'km', 'sn', 'yo', 'so', 'af', 'oc', 'ka', 'be', 'tg', 'sd', 'gu', 'am',
  'yi', 'lo', 'uz', 'fo', 'ht', 'ps', 'tk', 'nn', 'mt', 'sa', 'lb', 'my', 'bo', 'tl', 'mg', 'as', 'tt', 'haw', 'ln',
  'ha', 'ba', 'jv', 'su', 'yue',
] as const

/** response_format of transcriptions and translations. */
export const TRANSCRIPT_RESPONSE_FORMATS = ['json', 'text', 'verbose_json'] as const
export type TranscriptResponseFormat = (typeof TRANSCRIPT_RESPONSE_FORMATS)[number]

/** timestamp_granularities items (transcriptions only: the translation request has no such field). */
export const TIMESTAMP_GRANULARITIES = ['word', 'segment'] as const
export type TimestampGranularity = (typeof TIMESTAMP_GRANULARITIES)[number]

/** Sampling temperature of transcriptions and translations: the spec's description says between 0 and 1. */
export const TRANSCRIPT_TEMPERATURE = {max: 1, min: 0} as const

/** The file formats the spec names for `file`, plus opus (Ogg Opus, which Groq's speech-to-text docs accept). */
export const UPLOAD_EXTENSIONS = ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'opus', 'wav', 'webm'] as const
export type UploadExtension = (typeof UPLOAD_EXTENSIONS)[number]

/** Groq's limit for a file sent directly, 25 MB (larger files go by URL); configurable as `audio.max_size`. */
export const DEFAULT_MAX_UPLOAD_BYTES = DEFAULT_AUDIO_MAX_SIZE

/** The spec's example models (defaults when config `model.transcribe` / `model.translate` is unset). */
export const DEFAULT_TRANSCRIBE_MODEL = 'whisper-large-v3-turbo'
export const DEFAULT_TRANSLATE_MODEL = 'whisper-large-v3'

/** CreateSpeechRequest. */
export const SPEECH_FORMATS = ['flac', 'mp3', 'mulaw', 'ogg', 'wav'] as const
export type SpeechFormat = (typeof SPEECH_FORMATS)[number]
export const SPEECH_SAMPLE_RATES = [8000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000] as const
export type SpeechSampleRate = (typeof SPEECH_SAMPLE_RATES)[number]
export const SPEECH_SPEED = {max: 5, min: 0.5} as const
/** The spec's example model and voice (defaults when config `model.speak` / `speak.voice` is unset). */
export const DEFAULT_SPEAK_MODEL = 'playai-tts'
export const DEFAULT_SPEAK_VOICE = 'Fritz-PlayAI'

/**
 * The most characters of `input` each TTS model takes, from Groq's text-to-speech docs (the spec sets no
 * maxLength). A model not listed here has no limit the CLI knows of; the API then decides.
 */
export const SPEECH_INPUT_LIMITS: Readonly<Record<string, number>> = {
  'canopylabs/orpheus-arabic-saudi': 200,
  'canopylabs/orpheus-v1-english': 200,
  'playai-tts': 10_000,
  'playai-tts-arabic': 10_000,
}
