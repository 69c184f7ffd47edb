import {Flags} from '../core/oclif.js'

import {forceFlag} from '../core/flags.js'
import {DEFAULT_CONCURRENCY} from './run-inputs.js'
import {TRANSCRIPT_RESPONSE_FORMATS} from './spec.js'
import {SUBTITLE_FORMATS} from './subtitles.js'

/** The flags transcribe and translate share (transcribe adds --language and --timestamps). */
export const transcriptFlags = (modelDescription: string) => ({
  model: Flags.string({char: 'm', description: modelDescription}),
  prompt: Flags.string({description: 'text to guide the style or spelling, or the previous audio’s text'}),
  temperature: Flags.string({description: 'sampling temperature, 0 to 1', helpValue: '<0-1>'}),
  'response-format': Flags.string({
    description: 'what the API returns (default json; -f and --timestamps need verbose_json)',
    options: [...TRANSCRIPT_RESPONSE_FORMATS],
  }),
  format: Flags.string({
    char: 'f',
    description: 'subtitles from the segments (srt, vtt), or start<TAB>end<TAB>text rows (tsv)',
    options: [...SUBTITLE_FORMATS],
  }),
  concurrency: Flags.integer({
    default: DEFAULT_CONCURRENCY,
    description: 'inputs sent at the same time',
    max: 16,
    min: 1,
  }),
  'out-dir': Flags.string({description: 'write each result to DIR/<name>.<ext> instead of stdout', helpValue: 'DIR'}),
  force: forceFlag('with --out-dir: redo results that are already there'),
})
