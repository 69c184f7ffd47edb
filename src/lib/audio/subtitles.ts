import {CliError} from '../core/errors.js'

/**
 * Subtitles from a verbose_json transcript: SubRip (.srt), WebVTT (.vtt), and tab-separated rows (.tsv).
 *
 * The API's segments go in as they are; what a player needs is fixed here, the same way for srt and vtt:
 * - cues are in order of start time (stable: equal starts keep the API's order); srt numbers them from 1 (vtt
 *   cues carry no identifier, as OpenAI's and whisper's own vtt do);
 * - text is trimmed, each line wrapped at a word boundary to at most `maxLineWidth` characters (a word longer
 *   than that stays whole), blank lines dropped (a blank line ends a cue in both formats); a segment with no
 *   text makes no cue;
 * - a cue that overlaps the next one ends where the next begins (players would stack them otherwise); cues
 *   that start at the same instant are left to overlap;
 * - a cue of zero (or negative) length shows for ZERO_LENGTH_SHOW_S, or until the next cue starts if that is
 *   sooner (WebVTT needs the end after the start, and a cue nobody sees is lost text);
 * - times are rounded to the millisecond: srt `HH:MM:SS,mmm`, vtt `HH:MM:SS.mmm`, hours always shown (two
 *   digits or more).
 * WebVTT cue text escapes `&`, `<` and `>` (so it never contains `-->`).
 */

export interface Segment {
  end: number
  start: number
  text: string
}

export interface Word {
  end: number
  start: number
  word: string
}

/** The parts of a verbose_json response the writers read. */
export interface VerboseTranscript {
  segments?: Segment[]
  text?: string
  words?: Word[]
}

export const SUBTITLE_FORMATS = ['srt', 'vtt', 'tsv'] as const
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number]

export const DEFAULT_MAX_LINE_WIDTH = 42
/** How long a zero-length segment is shown when the next cue does not start sooner. */
export const ZERO_LENGTH_SHOW_S = 1

export interface SubtitleOptions {
  maxLineWidth?: number
}

interface Cue {
  endMs: number
  lines: string[]
  startMs: number
}

const toMs = (seconds: number): number => Math.max(0, Math.round(seconds * 1000))

/** `01:02:03,004` (srt) or `01:02:03.004` (vtt). */
export function formatTimestamp(ms: number, separator: ',' | '.'): string {
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.floor((ms % 3_600_000) / 60_000)
  const seconds = Math.floor((ms % 60_000) / 1000)
  const millis = ms % 1000
  const pad = (value: number, width = 2) => String(value).padStart(width, '0')
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${separator}${pad(millis, 3)}`
}

/** Greedy word wrap of one line; runs of spaces collapse to one. */
export function wrapLine(line: string, width: number): string[] {
  const words = line.split(/\s+/).filter(Boolean)
  const lines: string[] = []
  let current = ''
  for (const word of words) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current)
      current = word
    } else {
      current = current ? `${current} ${word}` : word
    }
  }
  if (current) lines.push(current)
  return lines
}

function cueLines(text: string, width: number): string[] {
  return text.split(/\r\n|\r|\n/).flatMap((line) => wrapLine(line, width))
}

/** The cues both formats print: sorted, wrapped, overlaps clipped, zero-length cues given a length. */
export function buildCues(segments: readonly Segment[], options: SubtitleOptions = {}): Cue[] {
  const width = options.maxLineWidth ?? DEFAULT_MAX_LINE_WIDTH
  const cues = segments
    .map((segment) => ({
      endMs: toMs(segment.end),
      lines: cueLines(segment.text ?? '', width),
      startMs: toMs(segment.start),
    }))
    .filter((cue) => cue.lines.length > 0)
    .sort((a, b) => a.startMs - b.startMs)
  for (const [index, cue] of cues.entries()) {
    const next = cues[index + 1]
    if (cue.endMs <= cue.startMs) cue.endMs = cue.startMs + ZERO_LENGTH_SHOW_S * 1000
    if (next && next.startMs > cue.startMs && cue.endMs > next.startMs) cue.endMs = next.startMs
  }
  return cues
}

export function toSrt(segments: readonly Segment[], options: SubtitleOptions = {}): string {
  return buildCues(segments, options)
    .map((cue, index) => {
      const timing = `${formatTimestamp(cue.startMs, ',')} --> ${formatTimestamp(cue.endMs, ',')}`
      return `${index + 1}\n${timing}\n${cue.lines.join('\n')}\n`
    })
    .join('\n')
}

const escapeVtt = (line: string): string =>
  line.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

export function toVtt(segments: readonly Segment[], options: SubtitleOptions = {}): string {
  const cues = buildCues(segments, options).map((cue) => {
    const timing = `${formatTimestamp(cue.startMs, '.')} --> ${formatTimestamp(cue.endMs, '.')}`
    return `${timing}\n${cue.lines.map(escapeVtt).join('\n')}\n`
  })
  return ['WEBVTT\n', ...cues].join('\n')
}

/** Seconds with three decimals: `83.5` → `83.500`. */
const tsvTime = (seconds: number): string => (toMs(seconds) / 1000).toFixed(3)
const tsvText = (text: string): string => text.replaceAll(/\s+/g, ' ').trim()

/** `start\tend\ttext`, one line per segment or word, in the API's order, no header (what `cut` wants). */
export function toTsv(rows: readonly (Segment | Word)[]): string {
  return rows
    .map((row) => `${tsvTime(row.start)}\t${tsvTime(row.end)}\t${tsvText('word' in row ? row.word : row.text)}\n`)
    .join('')
}

export interface WriteOptions extends SubtitleOptions {
  /** tsv only: one row per word instead of per segment. */
  words?: boolean
}

/** Renders a verbose_json response; throws when it lacks the segments (or words) the format needs. */
export function writeSubtitles(
  transcript: VerboseTranscript,
  format: SubtitleFormat,
  options: WriteOptions = {},
): string {
  if (format === 'tsv' && options.words) {
    if (!Array.isArray(transcript.words)) throw new MissingTimestampsError('words')
    return toTsv(transcript.words)
  }
  if (!Array.isArray(transcript.segments)) throw new MissingTimestampsError('segments')
  if (format === 'tsv') return toTsv(transcript.segments)
  return format === 'srt' ? toSrt(transcript.segments, options) : toVtt(transcript.segments, options)
}

/** The API answered 200 without the timestamps asked for: an API problem (exit 1), not the user's. */
export class MissingTimestampsError extends CliError {
  constructor(readonly what: 'segments' | 'words') {
    super(
      `the response has no ${what} (a verbose_json response with ${what.replace(/s$/, '')} timestamps was expected)`,
    )
    this.name = 'MissingTimestampsError'
  }
}
