import {basename} from 'node:path'

import type {GroqClient} from '../http/client.js'
import type {GroqFile} from '../output/columns/files.js'
import {fileSize, postMultipart} from '../transfer/index.js'
import type {Progress} from '../ux/progress.js'
import {assertSize, assertValid, validateBatchFile} from './jsonl.js'

export interface PrepareOptions {
  purpose: string
  /** Check a `.jsonl` for purpose batch line by line first (`--no-validate` turns it off). */
  validate: boolean
  maxSize: number
  /** The name used in messages (default: the path; `-` input is named `stdin`). */
  name?: string
}

/**
 * Everything that can be refused locally, for every file, before the first byte is sent: the file exists, is
 * under the size limit, and (a batch .jsonl) every line is a valid request. Returns the sizes.
 */
export async function prepareUploads(paths: string[], options: PrepareOptions): Promise<number[]> {
  const sizes: number[] = []
  for (const path of paths) {
    const name = options.name ?? path
    const size = await fileSize(path)
    assertSize(name, size, options.maxSize)
    if (options.validate && options.purpose === 'batch' && /\.jsonl$/i.test(path)) {
      assertValid(await validateBatchFile(path, name), name)
    }
    sizes.push(size)
  }
  return sizes
}

export interface UploadFileOptions {
  purpose: string
  timeoutMs: number
  signal?: AbortSignal
  ux?: Progress
  /** The filename Groq records (default: the path's basename). */
  filename?: string
}

/** POST /openai/v1/files: the form fields `purpose` and `file`, the file streamed from disk (transfer/). */
export function uploadFile(client: GroqClient, path: string, options: UploadFileOptions): Promise<GroqFile> {
  const filename = options.filename ?? basename(path)
  return postMultipart<GroqFile>(
    client,
    '/openai/v1/files',
    [
      {name: 'purpose', value: options.purpose},
      {filename, name: 'file', path},
    ],
    {
      progress: options.ux ? {label: filename, ux: options.ux} : undefined,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    },
  )
}
