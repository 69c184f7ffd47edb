import {Args, Flags} from '../lib/core/oclif.js'

import {BaseCommand} from '../lib/core/base-command.js'
import {forceFlag, outFlag} from '../lib/core/flags.js'
import {buildSpeechRequest, readSpeechInput} from '../lib/audio/speech.js'
import {DEFAULT_SPEAK_MODEL, DEFAULT_SPEAK_VOICE, SPEECH_FORMATS, SPEECH_SAMPLE_RATES} from '../lib/audio/spec.js'
import {resolveSink, saveResponse} from '../lib/transfer/index.js'

export default class Speak extends BaseCommand<typeof Speak> {
  static summary = 'Turn text into speech'
  static description = `The text comes from the argument, --input-file, or stdin. Text longer than the model takes in one request is refused, naming the limit.

-O FILE writes the audio to a temp file beside FILE and renames it into place once complete (an existing FILE needs --force); the format comes from its extension (.wav, .mp3, .flac, .ogg, .mulaw/.ulaw) unless --format says. Without -O (or with -O -) the audio goes to stdout when it is a pipe or a file; it is never written to a terminal.`

  static examples = [
    '<%= config.bin %> speak "Your build is ready" -O ready.wav',
    'echo "Hello from the pipeline" | <%= config.bin %> speak -O hello.mp3',
    '<%= config.bin %> speak --input-file notes.txt --voice Celeste-PlayAI -O notes.wav',
    '<%= config.bin %> speak "Hi" --format wav | aplay',
  ]

  static args = {
    // ignoreStdin: stdin is read as the text only when no argument is given.
    text: Args.string({description: 'the text to say ("-" reads stdin)', ignoreStdin: true}),
  }

  static flags = {
    model: Flags.string({
      char: 'm',
      description: `TTS model (default: config model.speak, then ${DEFAULT_SPEAK_MODEL})`,
    }),
    voice: Flags.string({
      char: 'v',
      description: `voice (default: config speak.voice, then ${DEFAULT_SPEAK_VOICE} for ${DEFAULT_SPEAK_MODEL})`,
    }),
    format: Flags.string({
      description: 'audio format (default: from the -O extension; else the API’s)',
      options: [...SPEECH_FORMATS],
    }),
    speed: Flags.string({description: 'speaking speed, 0.5 to 5 (default 1)', helpValue: '<0.5-5>'}),
    'sample-rate': Flags.string({
      description: 'sample rate in Hz (default 48000)',
      options: SPEECH_SAMPLE_RATES.map(String),
    }),
    'input-file': Flags.string({description: 'read the text from this file ("-" for stdin)', helpValue: 'PATH'}),
    out: outFlag('write the audio to this file (- for stdout); an existing file needs --force'),
    force: forceFlag(),
  }

  async run() {
    this.refuseJq('speak writes audio, not JSON')
    const voice = this.settings.profileData['speak.voice']
    const input = await readSpeechInput({
      file: this.flags['input-file'],
      io: this.io,
      readStdin: () => this.readStdinText(),
      text: this.args.text,
    })
    const body = buildSpeechRequest(input, this.flags, {
      model: this.configuredModel('speak'),
      voice: typeof voice === 'string' ? voice : undefined,
    })
    const sink = await resolveSink({
      binary: true,
      force: this.flags.force,
      io: this.io,
      out: this.flags.out,
      suggestedName: `speech.${body.response_format ?? 'mp3'}`,
    })
    const client = await this.client()
    const response = await this.ux.whileWaiting('Generating speech', () =>
      client.audio.speech.create(body, {signal: this.signal}),
    )
    await saveResponse(response as never, sink, {
      io: this.io,
      progress: {label: 'speech', ux: this.ux},
      signal: this.signal,
    })
  }
}
