import {BaseCommand} from '../core/base-command.js'
import {numberSetting} from '../core/config.js'
import {describeError} from '../core/errors.js'
import type {Command} from '../core/oclif.js'
import {postMultipart} from '../transfer/index.js'
import type {TranscriptKind} from './request.js'
import {DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_TRANSCRIBE_MODEL, DEFAULT_TRANSLATE_MODEL} from './spec.js'
import {runTranscripts, type TranscriptsFlags} from './transcripts.js'

const DEFAULT_MODELS = {
  transcription: {default: DEFAULT_TRANSCRIBE_MODEL, endpoint: 'transcribe'},
  translation: {default: DEFAULT_TRANSLATE_MODEL, endpoint: 'translate'},
} as const satisfies Record<TranscriptKind, {default: string; endpoint: string}>

/**
 * The base of `groq transcribe` and `groq translate`: hands runTranscripts what the base command resolves (the
 * model and size limit from config, the client, progress, error descriptions) and sends each request through the
 * shared transfer module, so the file is streamed with a Content-Length by the one groq-sdk client.
 */
export abstract class TranscriptCommand<T extends typeof Command> extends BaseCommand<T> {
  protected async runTranscripts(kind: TranscriptKind, flags: TranscriptsFlags, inputs: string[]) {
    if (flags['out-dir'] !== undefined) this.refuseJq('with --out-dir the results are written to files')
    const {timeoutMs} = this.settings
    const baseURL = this.settings.baseURL?.value ?? 'https://api.groq.com'
    const run = await runTranscripts(kind, flags, inputs, {
      describe: (error) => describeError(error, {baseURL}),
      format: this.outputFormat,
      maxBytes: numberSetting(this.settings, 'audio.max_size', DEFAULT_MAX_UPLOAD_BYTES),
      model: flags.model ?? this.configuredModel(DEFAULT_MODELS[kind].endpoint) ?? DEFAULT_MODELS[kind].default,
      quiet: Boolean(this.flags.quiet),
      send: (progress) => async (endpoint, parts, label) =>
        postMultipart(await this.client(), endpoint, parts, {
          progress: progress ? {label, ux: this.ux} : undefined,
          signal: this.signal,
          timeoutMs,
        }),
      stderr: (line) => this.io.stderr.write(line + '\n'),
      status: (line) => this.ux.status(line),
    })
    if (run.exitCode !== 0) process.exitCode = run.exitCode
    return run.result
  }
}
