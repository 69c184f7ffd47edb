import {existsSync} from 'node:fs'
import {readdir, stat} from 'node:fs/promises'
import {basename, extname, join} from 'node:path'

import {writeFileAtomic} from '../core/atomic-write.js'
import {type DescribedError, describeError, UsageError} from '../core/errors.js'
import {ExitCode, type ExitCodeValue} from '../core/exit-codes.js'
import {extensionOf} from './formats.js'

/**
 * Several inputs in one run (`groq transcribe *.mp3 --out-dir subs`): a fixed number at a time, results in
 * input order, each result written to `DIR/<name>.<ext>` atomically, targets that exist skipped unless
 * --force (so re-running a folder finishes only what is missing), and one failing input never stopping the
 * others. The exit code is the highest of the inputs' codes; a summary line goes to stderr.
 *
 * Nothing here knows about audio requests: `work` does one input, `content` turns its result into the file's
 * bytes. So the same runner can serve any command that takes many inputs.
 */

export const DEFAULT_CONCURRENCY = 2

export type Outcome<R> =
  | {error: DescribedError; input: string; status: 'failed'}
  | {input: string; result: R; status: 'done'; target?: string}
  | {input: string; status: 'skipped'; target: string}

export interface RunInputsOptions<R> {
  concurrency: number
  /** What the file for one result holds (required with outDir). */
  content?: (result: R, input: string) => string | Uint8Array
  /** One error → message and exit code (default: core/errors describeError). */
  describe?: (error: unknown) => DescribedError
  /** The extension of the files written to outDir, without the dot. */
  extension?: string
  force?: boolean
  inputs: readonly string[]
  /** Called once per input, in input order, as soon as it and every input before it are finished. */
  onOutcome?: (outcome: Outcome<R>, index: number) => void
  outDir?: string
  work: (input: string, index: number) => Promise<R>
}

export interface RunInputsResult<R> {
  exitCode: ExitCodeValue
  outcomes: Outcome<R>[]
  summary: string
}

const isURL = (input: string): boolean => /^https?:\/\//i.test(input)

/** The `<name>` of `DIR/<name>.<ext>`: the file name without its extension (for a URL, its last path segment). */
export function outputName(input: string): string {
  let name: string
  if (isURL(input)) {
    let path = ''
    try {
      path = new URL(input).pathname
    } catch {
      // not a URL after all: fall through to the default name
    }
    const last = path.split('/').findLast(Boolean) ?? ''
    try {
      name = decodeURIComponent(last)
    } catch {
      name = last
    }
  } else {
    name = basename(input)
  }
  name = name.slice(0, name.length - extname(name).length)
  // A name from a URL may hold anything; keep it one safe path segment.
  name = name.replaceAll(/[/\\\0]/g, '_').replace(/^\.+/, '')
  return name || 'audio'
}

/** Each input's target in outDir; two inputs that would write the same file are refused up front (exit 2). */
export function targetsFor(inputs: readonly string[], outDir: string, extension: string): string[] {
  const seen = new Map<string, string>()
  return inputs.map((input) => {
    const target = join(outDir, `${outputName(input)}.${extension}`)
    const earlier = seen.get(target)
    if (earlier !== undefined && earlier !== input) {
      throw new UsageError(`${earlier} and ${input} would both be written to ${target}; give them separate runs`)
    }
    seen.set(target, input)
    return target
  })
}

/**
 * Expands directory arguments to the audio files in them (accepted extensions only, not recursive, hidden
 * files left out, sorted by name); files and URLs are kept as given, in order. A directory without audio
 * files is an error naming it.
 */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const expanded: string[] = []
  for (const input of inputs) {
    if (isURL(input)) {
      expanded.push(input)
      continue
    }
    let isDirectory = false
    try {
      isDirectory = (await stat(input)).isDirectory()
    } catch {
      // a missing path is reported by that input's own check, with the others still run
    }
    if (!isDirectory) {
      expanded.push(input)
      continue
    }
    const entries = await readdir(input, {withFileTypes: true})
    const files = entries
      .filter((entry) => !entry.name.startsWith('.') && !entry.isDirectory() && extensionOf(entry.name))
      .map((entry) => join(input, entry.name))
      .sort()
    if (files.length === 0) throw new UsageError(`${input}: no audio files in this directory`)
    expanded.push(...files)
  }
  return expanded
}

/** Runs `work` over the inputs, `concurrency` at a time. Never throws for one input's failure. */
export async function runInputs<R>(options: RunInputsOptions<R>): Promise<RunInputsResult<R>> {
  const {inputs, outDir} = options
  const describe = options.describe ?? ((error: unknown) => describeError(error))
  if (outDir && (!options.content || !options.extension))
    throw new Error('runInputs: outDir needs content and extension')
  const targets = outDir ? targetsFor(inputs, outDir, options.extension!) : undefined

  const outcomes: Outcome<R>[] = Array.from({length: inputs.length})
  let reported = 0
  const report = () => {
    while (reported < inputs.length && outcomes[reported]) {
      options.onOutcome?.(outcomes[reported], reported)
      reported++
    }
  }

  const one = async (index: number): Promise<Outcome<R>> => {
    const input = inputs[index]
    const target = targets?.[index]
    if (target && !options.force && existsSync(target)) return {input, status: 'skipped', target}
    try {
      const result = await options.work(input, index)
      if (target) await writeFileAtomic(target, options.content!(result, input))
      return {input, result, status: 'done', target}
    } catch (error) {
      const described = describe(error)
      // Ctrl-C ends the whole run, not one input.
      if (described.exitCode === ExitCode.interrupted) throw error
      return {error: described, input, status: 'failed'}
    }
  }

  let next = 0
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++
      outcomes[index] = await one(index)
      report()
    }
  }
  const workers = Math.max(1, Math.min(options.concurrency, inputs.length))
  await Promise.all(Array.from({length: workers}, () => worker()))

  const count = (status: Outcome<R>['status']) => outcomes.filter((outcome) => outcome.status === status).length
  const exitCode = outcomes.reduce<ExitCodeValue>(
    (worst, outcome) =>
      outcome.status === 'failed' && outcome.error.exitCode > worst ? outcome.error.exitCode : worst,
    ExitCode.ok,
  )
  const parts = [`${count('done')} done`]
  if (count('skipped') > 0) parts.push(`${count('skipped')} skipped (already there)`)
  parts.push(`${count('failed')} failed`)
  const summary = `${inputs.length} ${inputs.length === 1 ? 'input' : 'inputs'}: ${parts.join(', ')}`
  return {exitCode, outcomes, summary}
}
