import {Flags} from './oclif.js'

/**
 * Flags several commands share, defined once so that every command spells and describes them the same way.
 * `-o` is the output format everywhere, so a file to write is `-O/--out` (wget's `-O`); `-O -` is stdout.
 */

/** `-O/--out PATH`: where a command writes a file (`-` for stdout). */
export const outFlag = (description = 'write to this file (- for stdout); an existing file needs --force') =>
  Flags.string({char: 'O', description, helpValue: 'PATH'})

/** `--force`: replace an existing file that `-O` names. */
export const forceFlag = (description = 'overwrite an existing file') => Flags.boolean({description})

/** `-y/--yes`: skip the confirmation a destructive command asks for on a TTY (and needs elsewhere). */
export const yesFlag = (description = 'do not ask for confirmation') => Flags.boolean({char: 'y', description})
