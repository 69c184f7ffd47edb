import type {OutputFormat} from '../core/config.js'
import {type DescribedError, UsageError} from '../core/errors.js'
import type {ExitCodeValue} from '../core/exit-codes.js'
import {text, type TextResult} from '../output/types.js'
import {buildTranscriptPlan, type TranscriptFlags, type TranscriptKind} from './request.js'
import {expandInputs, type Outcome, runInputs} from './run-inputs.js'
import {savedForm, type SendMultipart, type Transcript, transcribeOne} from './transcribe.js'

/**
 * What `groq transcribe` and `groq translate` do, given their flags and inputs: validate everything that can be
 * validated, then one input the plain way (its error is the run's error), or several through runInputs (each
 * error one stderr line, the summary, the worst exit code).
 */

export interface TranscriptsFlags extends TranscriptFlags {
  concurrency: number
  force?: boolean
  'out-dir'?: string
}

export interface TranscriptsContext {
  describe: (error: unknown) => DescribedError
  /** The rendering the user asked for (decides what --out-dir files hold). */
  format: OutputFormat
  maxBytes: number
  model: string
  quiet: boolean
  /** Sends one request; `progress` is true when a bytes bar may be drawn (one input at a time). */
  send: (progress: boolean) => SendMultipart
  /** One line on stderr. */
  stderr: (line: string) => void
  /** A line of progress on stderr (hidden by --quiet; on a TTY printed above any bar). */
  status: (line: string) => void
}

export interface TranscriptsRun {
  exitCode: ExitCodeValue
  /** Rendered to stdout by the base command; undefined when everything went to --out-dir. */
  result?: TextResult
}

export async function runTranscripts(
  kind: TranscriptKind,
  flags: TranscriptsFlags,
  rawInputs: readonly string[],
  context: TranscriptsContext,
): Promise<TranscriptsRun> {
  const plan = buildTranscriptPlan(kind, flags, context.model)
  if (rawInputs.length === 0) throw new UsageError('Give at least one audio file, directory or http(s) URL')
  const inputs = await expandInputs(rawInputs)
  const outDir = flags['out-dir']
  const several = inputs.length > 1

  if (!outDir && !several) {
    const transcript = await transcribeOne(inputs[0], {...context, kind, plan, send: context.send(true)})
    return {exitCode: 0, result: text(transcript.data, transcript.text)}
  }
  if (!outDir && plan.subtitle) {
    throw new UsageError(`-f ${plan.subtitle} with several inputs needs --out-dir DIR (one file of subtitles each)`)
  }

  const saved = outDir ? savedForm(plan, context.format) : undefined
  const send = context.send(false)
  const run = await runInputs<Transcript>({
    concurrency: flags.concurrency,
    content: saved?.content,
    describe: context.describe,
    extension: saved?.extension,
    force: flags.force,
    inputs,
    onOutcome: (outcome) => report(outcome, context),
    outDir,
    work: (input) => transcribeOne(input, {...context, kind, plan, send}),
  })
  if (!context.quiet || run.exitCode !== 0) context.stderr(run.summary)
  if (outDir) return {exitCode: run.exitCode}

  // Several inputs to stdout: `input<TAB>text` rows for plain; for --json an array in input order, with null
  // where an input failed, so a script can pair results with what it passed.
  const rows = run.outcomes
    .filter((outcome) => outcome.status === 'done')
    .map((outcome) => `${outcome.input}\t${outcome.result.text.replaceAll(/[\t\r\n]+/g, ' ')}\n`)
  const data = run.outcomes.map((outcome) => (outcome.status === 'done' ? outcome.result.data : null))
  return {exitCode: run.exitCode, result: text(data, rows.join(''))}
}

function report(outcome: Outcome<Transcript>, context: TranscriptsContext): void {
  switch (outcome.status) {
    case 'done': {
      if (outcome.target) context.status(`${outcome.input} -> ${outcome.target}`)
      break
    }
    case 'skipped': {
      context.status(`${outcome.input}: skipped, ${outcome.target} exists (--force to redo it)`)
      break
    }
    case 'failed': {
      const {message} = outcome.error
      context.stderr(`Error: ${message.startsWith(outcome.input) ? message : `${outcome.input}: ${message}`}`)
      break
    }
  }
}
