import {Args} from '../lib/core/oclif.js'

import {TranscriptCommand} from '../lib/audio/command.js'
import {transcriptFlags} from '../lib/audio/flags.js'
import {DEFAULT_TRANSLATE_MODEL} from '../lib/audio/spec.js'

export default class Translate extends TranscriptCommand<typeof Translate> {
  static summary = 'Translate speech in audio files or URLs into English text or subtitles'
  static description = `The same as transcribe, but the text is English whatever the language spoken (the API takes no --language and no --timestamps for translations; -f srt|vtt|tsv still works from the segments).

Each FILE is checked before anything is sent (flac, mp3, mp4, mpeg, mpga, m4a, ogg, opus, wav, webm, by extension and first bytes; at most 25 MB, or config audio.max_size) and streamed; an http(s) URL is passed to the API as is. A directory stands for the audio files in it. Several inputs, --concurrency, --out-dir and --force work as in transcribe.`

  static examples = [
    '<%= config.bin %> translate entrevista.mp3',
    '<%= config.bin %> translate interview.m4a -f srt > interview.en.srt',
    '<%= config.bin %> translate https://example.com/news.ogg --json',
    '<%= config.bin %> translate calls/ --out-dir english --concurrency 4',
  ]

  static strict = false

  static args = {
    input: Args.string({description: 'audio file, directory, or http(s) URL (several may be given)', required: true}),
  }

  static flags = transcriptFlags(`model id (default: config model.translate, then ${DEFAULT_TRANSLATE_MODEL})`)

  async run() {
    return this.runTranscripts('translation', this.flags, this.parsedArgv)
  }
}
