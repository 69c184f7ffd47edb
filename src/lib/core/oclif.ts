import {createRequire} from 'node:module'

import type * as Oclif from '@oclif/core'

/**
 * @oclif/core for our commands, taken with require() (as src/help.ts takes its Help). An ES import of this CommonJS
 * package makes Node 20 start its CommonJS export scanner, which reads and scans oclif's index and every file it
 * re-exports (~7 ms), when bin/oclif.js has already put the bundled oclif in require.cache. Same module, same
 * classes: `import {Args, Flags} from './oclif.js'` stands for `import {Args, Flags} from '@oclif/core'`.
 */
const oclif = createRequire(import.meta.url)('@oclif/core') as typeof Oclif

export const {Args, Command, Flags} = oclif
export type Command = Oclif.Command
export type {Interfaces} from '@oclif/core'
