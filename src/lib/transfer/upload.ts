import type {GroqClient} from '../http/client.js'
import type {Progress} from '../ux/progress.js'
import {multipartBody, type Part} from './multipart.js'

export interface UploadOptions {
  /** The request timeout of the run (settings.timeoutMs); an upload adds time for its size (uploadTimeoutMs). */
  timeoutMs: number
  signal?: AbortSignal
  /** Draws a bytes bar on a TTY with this label (e.g. the file name). */
  progress?: {label: string; ux: Progress}
}

/** The slowest upload speed we wait for before groq-sdk's timeout fires: 256 kB/s. */
const SLOWEST_BYTES_PER_MS = 256

/**
 * groq-sdk's timeout covers the whole request until response headers arrive, which for an upload includes
 * sending the body: the run's timeout plus the time the body takes at a slow but working 256 kB/s.
 */
export function uploadTimeoutMs(timeoutMs: number, bytes: number): number {
  return Math.round(timeoutMs + bytes / SLOWEST_BYTES_PER_MS)
}

/**
 * POSTs a multipart form (fields and files streamed from disk, Content-Length set) through the same groq-sdk
 * client as every other request: same key, retries, timeouts, error classes and exit codes; no second HTTP path.
 * Returns the parsed JSON answer.
 */
export async function postMultipart<T>(
  client: GroqClient,
  path: string,
  parts: Part[],
  options: UploadOptions,
): Promise<T> {
  const bar = options.progress ? await options.progress.ux.bytes(options.progress.label) : undefined
  const form = await multipartBody(parts, {onProgress: (sent) => bar?.update(sent)})
  bar?.setTotal(form.fileBytes)
  try {
    return (await client.post(path, {
      body: form.body,
      headers: {'Content-Length': String(form.contentLength), 'Content-Type': form.contentType},
      signal: options.signal,
      timeout: uploadTimeoutMs(options.timeoutMs, form.contentLength),
    })) as T
  } finally {
    bar?.stop()
  }
}
