import {canPrompt} from '../lib/core/prompts.js'
import {getIO} from '../lib/core/io.js'
import {closest, quotedAlternatives} from '../lib/core/suggest.js'

/**
 * oclif's `command_not_found` hook: a mistyped command gets our one error line with the spaced id and the nearest
 * command(s) (`Error: unknown command "model list". Did you mean "models list"?`), exit 2, piped or not. On a
 * terminal where a person can answer (stdin a TTY, no --no-input, no CI) it asks whether to run the nearest one;
 * no (the default) exits 2. It replaces @oclif/plugin-not-found, whose answer without a TTY was two lines and
 * exit 127, and whose hook oclif would run beside this one.
 *
 * oclif treats a hook that returns as the command's result (exit 0), so every way out but running the suggested
 * command throws; the error is marked for oclif not to print it again (the line is already on stderr).
 */

export interface NotFoundConfig {
  bin: string
  commandIDs: string[]
  commands: {hidden?: boolean; id: string}[]
  runCommand(id: string, argv?: string[]): Promise<unknown>
  topics: {hidden?: boolean; name: string}[]
}

const spaced = (id: string) => id.replaceAll(':', ' ')

function exitWith(message: string): never {
  getIO().stderr.write(`Error: ${message}\n`)
  throw Object.assign(new Error(message), {oclif: {exit: 2}, skipOclifErrorHandling: true})
}

export async function commandNotFound(options: {
  argv?: string[]
  config: NotFoundConfig
  id: string
}): Promise<unknown> {
  const {config, id} = options
  const argv = options.argv ?? []
  const words = id.split(':')
  const visible = new Set(config.commands.filter((command) => !command.hidden).map((command) => command.id))

  // `groq models list extra`: oclif took the extra word for part of the id.
  for (let length = words.length - 1; length > 0; length--) {
    const prefix = words.slice(0, length).join(':')
    if (visible.has(prefix)) {
      const extra = words.slice(length)
      const noun = extra.length === 1 ? 'argument' : 'arguments'
      exitWith(
        `unexpected ${noun} ${extra.map((word) => `"${word}"`).join(', ')}. See "${config.bin} ${spaced(prefix)} --help".`,
      )
    }
  }

  const candidates = [
    ...config.commandIDs.filter((name) => visible.has(name)),
    ...config.topics.filter((topic) => !topic.hidden).map((topic) => topic.name),
  ]
  const nearest = closest(
    spaced(id),
    candidates.map((name) => spaced(name)),
  )
  const typed = spaced(id)
  if (nearest.length === 0) exitWith(`unknown command "${typed}". See "${config.bin} --help".`)

  const io = getIO()
  if (nearest.length === 1 && canPrompt(io, argv.includes('--no-input'))) {
    const {confirm} = await import('@inquirer/prompts')
    io.stderr.write(`"${typed}" is not a ${config.bin} command.\n`)
    const yes = await confirm({default: false, message: `Did you mean "${nearest[0]}"?`}, {
      clearPromptOnDone: false,
      input: io.stdin,
      output: io.stderr,
    } as never).catch(() => false)
    const chosen = nearest[0].replaceAll(' ', ':')
    // A topic has no command of its own: its help page is what `groq TOPIC` shows.
    if (yes) return visible.has(chosen) ? config.runCommand(chosen, argv) : config.runCommand('help', [nearest[0]])
  }
  exitWith(`unknown command "${typed}". Did you mean ${quotedAlternatives(nearest)}?`)
}

export default async function hook(this: unknown, options: {argv?: string[]; config: NotFoundConfig; id: string}) {
  return commandNotFound(options)
}
