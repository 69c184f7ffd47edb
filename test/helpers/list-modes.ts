/**
 * A list command in its four output modes, for one test:
 *
 *   await expectListModes(ModelsList, ['--active'], {
 *     env,                                                   // from tempHome(), with GROQ_API_KEY if needed
 *     before: () => nock(API).get('/openai/v1/models').reply(200, MODELS),   // run again before each mode
 *     table: ['ID            OWNER', 'gemma2-9b-it  Google'],  // on a TTY (--no-color): the exact lines
 *     tsv: [['gemma2-9b-it', 'Google']],                      // piped: the rows, as cells (no header)
 *     json: MODELS,                                           // --json: the API's object, compact when piped
 *     ndjson: [MODELS.data[1]],                               // -o ndjson: one item a line, in order
 *   })
 *
 * Each mode is one in-process run (test/helpers/run.ts) of `argv` plus the mode's flags; each must exit 0 with
 * stderr `expected.stderr` (default: nothing) and print exactly what is expected. A failure names the mode.
 * An empty list: `table: []`, `tsv: []`, `ndjson: []` (nothing is printed).
 */
import {expect} from 'vitest'

import {run} from './run.js'

type CommandClass = Parameters<typeof run>[0]

export interface ListModes {
  /** Called before each of the four runs: set up what the command reads (nock interceptors, files). */
  before?: () => unknown
  env: NodeJS.ProcessEnv
  /** --json (piped): the parsed output; it must also be printed compact, on one line. */
  json: unknown
  /** -o ndjson: the items, one JSON line each. */
  ndjson: unknown[]
  /** What every mode writes on stderr (default: nothing). */
  stderr?: string
  /** On a TTY, with --no-color: the table's lines (header first), without the final newline. */
  table: string[]
  /** Piped: tab-separated rows, no header. */
  tsv: string[][]
}

export async function expectListModes(command: CommandClass, argv: string[], expected: ListModes): Promise<void> {
  const lines = (rows: string[]) => rows.map((row) => row + '\n').join('')
  const modes: Array<[string, string[], boolean, string]> = [
    ['TTY table', ['--no-color'], true, lines(expected.table)],
    ['piped TSV', [], false, lines(expected.tsv.map((cells) => cells.join('\t')))],
    ['--json', ['--json'], false, JSON.stringify(expected.json) + '\n'],
    ['-o ndjson', ['-o', 'ndjson'], false, lines(expected.ndjson.map((item) => JSON.stringify(item)))],
  ]
  for (const [mode, flags, stdoutTTY, stdout] of modes) {
    await expected.before?.()
    const result = await run(command, [...argv, ...flags], {env: expected.env, stdoutTTY})
    expect(result, mode).toEqual({exitCode: 0, stderr: expected.stderr ?? '', stdout})
  }
}
