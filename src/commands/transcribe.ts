import {Args, Flags} from '../lib/core/oclif.js'

import {TranscriptCommand} from '../lib/audio/command.js'
import {transcriptFlags} from '../lib/audio/flags.js'
import {DEFAULT_TRANSCRIBE_MODEL, TIMESTAMP_GRANULARITIES, TRANSCRIPTION_LANGUAGES} from '../lib/audio/spec.js'

export default class Transcribe extends TranscriptCommand<typeof Transcribe> {
  static summary = 'Transcribe audio files or URLs to text or subtitles'
  static description = `Each FILE is checked before anything is sent (an accepted format by extension and by its first bytes: flac, mp3, mp4, mpeg, mpga, m4a, ogg, opus, wav, webm; at most 25 MB, or config audio.max_size) and streamed to the API; an http(s) URL is passed to the API as is, not downloaded. A directory stands for the audio files in it.

Prints the text; --json prints the API's object; -f srt|vtt writes subtitles from the segments, -f tsv start<TAB>end<TAB>text rows (per word with --timestamps word).

Several inputs run --concurrency at a time; to stdout they print input<TAB>text rows in input order (--json: an array, null where an input failed). With --out-dir each result is written to DIR/<name>.<ext> (.txt, .json with --json, or the -f format), and a result already there is skipped unless --force, so a re-run finishes only what is missing. A failing input does not stop the others: its error goes to stderr, a summary line follows, and the exit code is the highest of the inputs'.

Languages (--language, ISO-639-1): ${TRANSCRIPTION_LANGUAGES.join(' ')}.`

  static examples = [
    '<%= config.bin %> transcribe meeting.m4a',
    '<%= config.bin %> transcribe interview.mp3 --language de -f srt > interview.srt',
    '<%= config.bin %> transcribe talk.wav --timestamps word -f tsv',
    '<%= config.bin %> transcribe https://example.com/podcast.mp3 --json | jq -r .text',
    '<%= config.bin %> transcribe recordings/ --out-dir transcripts -f vtt --concurrency 4',
  ]

  static strict = false

  static args = {
    input: Args.string({description: 'audio file, directory, or http(s) URL (several may be given)', required: true}),
  }

  static flags = {
    ...transcriptFlags(`model id (default: config model.transcribe, then ${DEFAULT_TRANSCRIBE_MODEL})`),
    language: Flags.string({description: 'language of the audio, ISO-639-1 (e.g. en, de, ja)', helpValue: '<code>'}),
    timestamps: Flags.string({
      description: 'timestamp granularity (repeatable; implies --response-format verbose_json)',
      multiple: true,
      // Non-greedy: `--timestamps word talk.mp3` leaves talk.mp3 an input.
      multipleNonGreedy: true,
      options: [...TIMESTAMP_GRANULARITIES],
    }),
  }

  async run() {
    return this.runTranscripts('transcription', this.flags, this.parsedArgv)
  }
}
