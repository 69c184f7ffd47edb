/**
 * Every operation of Groq's OpenAPI spec has a command. The table (test/helpers/spec-operations.ts) maps each
 * operationId to the command that calls it; the test walks the spec's operationIds, so an operation added to the spec without a command fails here, and
 * so does a mapped command missing from oclif.manifest.json (the committed list of commands). That each command
 * sends its operation, and Prism accepts it, is test/e2e/spec-operations.e2e.test.ts.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect, it} from 'vitest'

import {describeWithSpec} from '../helpers/contract.js'
import {ROOT} from '../helpers/prism.js'
import {CALL_FOR_OPERATION, specOperations} from '../helpers/spec-operations.js'

/** operationId → command id (as oclif.manifest.json spells it). */
const COMMAND_FOR_OPERATION = Object.fromEntries(
  Object.entries(CALL_FOR_OPERATION).map(([id, call]) => [id, call.command]),
)

/**
 * Commands being built on other branches. Each is checked to be still absent, so when one lands this test fails
 * until its line here is deleted: the list only ever shrinks. (Empty since the audio commands landed.)
 */
const PENDING = new Set<string>([])

const manifestCommands = (): Set<string> =>
  new Set(
    Object.keys((JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands),
  )

describeWithSpec('every operation of the spec has a command', (spec) => {
  const operationIds = specOperations(spec).map((operation) => operation.id)

  it('the spec has 23 operations, and each is in the table (no stale entries either)', () => {
    expect(operationIds).toHaveLength(23)
    expect(
      operationIds.filter((id) => !(id in COMMAND_FOR_OPERATION)),
      'operations without a command',
    ).toEqual([])
    expect(
      Object.keys(COMMAND_FOR_OPERATION).filter((id) => !operationIds.includes(id)),
      'not in the spec',
    ).toEqual([])
  })

  it('each mapped command exists in oclif.manifest.json (pending ones aside)', () => {
    const commands = manifestCommands()
    const missing = operationIds
      .map((id) => [id, COMMAND_FOR_OPERATION[id]] as const)
      .filter(([, command]) => command && !PENDING.has(command) && !commands.has(command))
    expect(missing, 'operations whose command is not in oclif.manifest.json').toEqual([])
  })

  it('no pending command has landed yet (when one lands, delete it from PENDING)', () => {
    const commands = manifestCommands()
    expect(
      [...PENDING].filter((command) => commands.has(command)),
      'landed: remove from PENDING',
    ).toEqual([])
  })

  for (const command of [...PENDING].sort()) it.todo(`${command} (being built on another branch)`)
})
