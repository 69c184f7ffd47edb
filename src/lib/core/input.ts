import {UsageError} from './errors.js'
import {splitLines} from './flag-values.js'
import {type IO, isStdinTTY, readStdin} from './io.js'

export interface Texts {
  texts: string[]
  /** Where text `index` came from, for an error: `TEXT 2`, `stdin line 3`. */
  source(index: number): string
}

/**
 * Texts from the command line, else one per line of piped stdin (`embed`, `rerank`). On a terminal with no
 * arguments there is nothing to read: a UsageError that says how to give them.
 */
export async function argsOrStdinLines(io: IO, args: string[], what: {arg: string; hint: string}): Promise<Texts> {
  if (args.length > 0) return {source: (index) => `${what.arg} ${index + 1}`, texts: args}
  if (isStdinTTY(io)) throw new UsageError(`No ${what.hint}: give ${what.arg} arguments or pipe one per line`)
  return {source: (index) => `stdin line ${index + 1}`, texts: splitLines(await readStdin(io))}
}
