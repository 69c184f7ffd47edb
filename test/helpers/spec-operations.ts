/**
 * Each operation of Groq's OpenAPI spec and the command that calls it, with arguments that make one valid call (the
 * rest-of-API issue: every operation has a command). test/unit/spec-coverage.test.ts walks the spec's operationIds
 * against this table and oclif.manifest.json; test/e2e/spec-operations.e2e.test.ts runs each command against Prism
 * and checks that it sent that operation's method and path, and that Prism accepted the request.
 *
 * `{dir}` in an argument is the test's scratch folder: `requests.jsonl` (one valid batch line) and `tone.wav` (a real
 * WAV) are there; files a command writes go there too.
 */
import type {OpenAPISpec} from './contract.js'

export interface OperationCall {
  /** The command id as oclif.manifest.json spells it (topics joined with `:`). */
  command: string
  /** Arguments after the command's words. */
  args: string[]
}

export const CALL_FOR_OPERATION: Record<string, OperationCall> = {
  cancelBatch: {args: ['batch_1', '--yes'], command: 'batches:cancel'},
  createBatch: {args: ['--input-file-id', 'file_1'], command: 'batches:create'},
  createChatCompletion: {args: ['-m', 'llama-3.3-70b-versatile', '--no-stream', 'hi'], command: 'chat'},
  createEmbedding: {args: ['alpha'], command: 'embed'},
  createFineTuning: {
    args: ['--base-model', 'llama-3.1-8b-instant', '--input-file-id', 'file_1', '--name', 't1'],
    command: 'fine-tunings:create',
  },
  createReranking: {args: ['--query', 'ai', 'doc one', 'doc two'], command: 'rerank'},
  createResponse: {args: ['hi'], command: 'responses:create'},
  createSpeech: {args: ['Hello', '-O', '{dir}/hello.wav'], command: 'speak'},
  createTranscription: {args: ['{dir}/tone.wav'], command: 'transcribe'},
  createTranslation: {args: ['{dir}/tone.wav'], command: 'translate'},
  deleteFile: {args: ['file_1', '--yes'], command: 'files:rm'},
  deleteFineTuning: {args: ['ft_1', '--yes'], command: 'fine-tunings:rm'},
  deleteModel: {args: ['my-org/my-fine-tune', '--yes'], command: 'models:rm'},
  downloadFile: {args: ['file_1', '-O', '{dir}/content.bin'], command: 'files:download'},
  getFineTuning: {args: ['ft_1'], command: 'fine-tunings:get'},
  listBatches: {args: [], command: 'batches:list'},
  listFiles: {args: [], command: 'files:list'},
  listFineTunings: {args: [], command: 'fine-tunings:list'},
  listModels: {args: [], command: 'models:list'},
  retrieveBatch: {args: ['batch_1'], command: 'batches:get'},
  retrieveFile: {args: ['file_1'], command: 'files:get'},
  retrieveModel: {args: ['llama-3.3-70b-versatile'], command: 'models:get'},
  uploadFile: {args: ['{dir}/requests.jsonl'], command: 'files:upload'},
}

/** The argv a user types for an operation's call, with `{dir}` filled in. */
export const argvFor = ({args, command}: OperationCall, dir: string): string[] => [
  ...command.split(':'),
  ...args.map((arg) => arg.replaceAll('{dir}', dir)),
]

export interface SpecOperation {
  id: string
  method: string
  /** The spec's path template, e.g. /openai/v1/files/{file_id}. */
  path: string
}

const HTTP_METHODS = new Set(['delete', 'get', 'patch', 'post', 'put'])

/** Every operation of the spec, sorted by operationId; one without an operationId throws. */
export function specOperations(spec: OpenAPISpec): SpecOperation[] {
  const operations: SpecOperation[] = []
  for (const [path, methods] of Object.entries(spec.paths as Record<string, Record<string, {operationId?: string}>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!HTTP_METHODS.has(method)) continue
      if (!operation.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`)
      operations.push({id: operation.operationId, method: method.toUpperCase(), path})
    }
  }
  return operations.sort((a, b) => a.id.localeCompare(b.id))
}

/** Whether a request path (query string aside) is the template's, each `{param}` one non-empty segment. */
export function pathMatches(template: string, path: string): boolean {
  const pattern = template.replaceAll(/[.*+?^$()|[\]\\]/g, '\\$&').replaceAll(/\{[^}]+\}/g, '[^/]+')
  return new RegExp(`^${pattern}$`).test(path.split('?')[0])
}
