import {UsageError} from './errors.js'
import {envFlag, type IO, isStdinTTY} from './io.js'

/** Prompts only when a person can answer: stdin is a TTY, and neither --no-input nor CI is set. */
export function canPrompt(io: IO, noInput: boolean): boolean {
  return isStdinTTY(io) && !noInput && !envFlag(io.env, 'CI')
}

// Prompts draw on stderr so stdout stays data; @inquirer/prompts is heavy, so it loads on first use.
const context = (io: IO) => ({clearPromptOnDone: false, input: io.stdin, output: io.stderr})

/**
 * Asks before a destructive action. Without a TTY (or with --no-input / CI) it refuses unless
 * --yes was given, so a script never deletes something by accident.
 */
export async function confirmDestructive(
  io: IO,
  options: {action: string; noInput: boolean; yes: boolean},
): Promise<void> {
  if (options.yes) return
  if (!canPrompt(io, options.noInput)) {
    throw new UsageError(`Refusing to ${options.action} without confirmation: pass --yes`)
  }
  const {confirm} = await import('@inquirer/prompts')
  const confirmed = await confirm({default: false, message: `${capitalize(options.action)}?`}, context(io) as never)
  if (!confirmed) throw new UsageError('Cancelled')
}

/** A masked prompt (for API keys). */
export async function promptSecret(io: IO, message: string): Promise<string> {
  const {password} = await import('@inquirer/prompts')
  return password({mask: '*', message}, context(io) as never)
}

const capitalize = (value: string) => value.charAt(0).toUpperCase() + value.slice(1)
