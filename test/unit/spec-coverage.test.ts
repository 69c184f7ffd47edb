/**
 * Every operation of Groq's OpenAPI spec has a command. The table maps each operationId to the command that calls
 * it; the test walks the spec's operationIds, so an operation added to the spec without a command fails here, and
 * so does a mapped command missing from oclif.manifest.json (the committed list of commands).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect, it} from 'vitest'

import {describeWithSpec, type OpenAPISpec} from '../helpers/contract.js'
import {ROOT} from '../helpers/prism.js'

/** operationId → command id (as oclif.manifest.json spells it: topics joined with `:`). */
export const COMMAND_FOR_OPERATION: Record<string, string> = {
  cancelBatch: 'batches:cancel',
  createBatch: 'batches:create',
  createChatCompletion: 'chat',
  createEmbedding: 'embed',
  createFineTuning: 'fine-tunings:create',
  createReranking: 'rerank',
  createResponse: 'responses:create',
  createSpeech: 'speak',
  createTranscription: 'transcribe',
  createTranslation: 'translate',
  deleteFile: 'files:rm',
  deleteFineTuning: 'fine-tunings:rm',
  deleteModel: 'models:rm',
  downloadFile: 'files:download',
  getFineTuning: 'fine-tunings:get',
  listBatches: 'batches:list',
  listFiles: 'files:list',
  listFineTunings: 'fine-tunings:list',
  listModels: 'models:list',
  retrieveBatch: 'batches:get',
  retrieveFile: 'files:get',
  retrieveModel: 'models:get',
  uploadFile: 'files:upload',
}

/**
 * Commands being built on other branches. Each is checked to be still absent, so when one lands this test fails
 * until its line here is deleted: the list only ever shrinks. (Empty since the audio commands landed.)
 */
const PENDING = new Set<string>([])

const HTTP_METHODS = new Set(['delete', 'get', 'patch', 'post', 'put'])

function specOperationIds(spec: OpenAPISpec): string[] {
  const ids: string[] = []
  for (const [path, operations] of Object.entries(
    spec.paths as Record<string, Record<string, {operationId?: string}>>,
  )) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!HTTP_METHODS.has(method)) continue
      if (!operation.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`)
      ids.push(operation.operationId)
    }
  }
  return ids.sort()
}

const manifestCommands = (): Set<string> =>
  new Set(
    Object.keys((JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands),
  )

describeWithSpec('every operation of the spec has a command', (spec) => {
  const operationIds = specOperationIds(spec)

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
