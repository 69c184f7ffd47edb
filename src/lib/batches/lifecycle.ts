import {CliError, UsageError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
import {onInterrupt} from '../core/interrupt.js'
import {formatWait, retryWaitMs} from '../core/rate-limits.js'
import type {GroqClient} from '../http/client.js'
import {type GroqBatch, progressOf} from '../output/columns/batches.js'
import type {Progress} from '../ux/progress.js'

/** `24h` … `7d` (the spec's createBatch: "Durations from 24h to 7d are supported"), checked before any request. */
export function checkCompletionWindow(value: string): string {
  const match = /^(\d+)([hd])$/.exec(value.trim())
  const hours = match ? Number(match[1]) * (match[2] === 'd' ? 24 : 1) : Number.NaN
  if (!(hours >= 24 && hours <= 168)) {
    throw new UsageError(`--completion-window: "${value}" must be from 24h to 7d (e.g. 24h, 48h, 7d)`)
  }
  return value.trim()
}

/** `--metadata k=v` (repeatable) into the string map the API takes. */
export function parseMetadata(entries: string[] | undefined): Record<string, string> | undefined {
  if (!entries || entries.length === 0) return undefined
  const metadata: Record<string, string> = {}
  for (const entry of entries) {
    const equals = entry.indexOf('=')
    if (equals <= 0) throw new UsageError(`--metadata: "${entry}" must be key=value`)
    metadata[entry.slice(0, equals)] = entry.slice(equals + 1)
  }
  return metadata
}

export const TERMINAL = new Set(['cancelled', 'completed', 'expired', 'failed'])
const FAILED = new Set(['cancelled', 'expired', 'failed'])

/** Why a batch ended without completing: its status and the errors Groq lists. */
export function failureReason(batch: GroqBatch): string {
  const errors = (batch.errors?.data ?? [])
    .slice(0, 5)
    .map((error) => `${error.line ? `line ${error.line}: ` : ''}${error.message ?? error.code ?? 'error'}`)
  return `Batch ${batch.id} ${batch.status}${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`
}

export interface WaitOptions {
  intervalMs: number
  /**
   * The whole wait's bound (`batches wait --timeout`): at this time polling stops, a poll in flight is cut off, and
   * the wait fails with exit 6; the batches keep running. Each poll request keeps the client's own request timeout
   * (config `timeout`, default 60 s), and one that times out is polled again, like a dropped connection.
   */
  timeoutMs?: number
  signal?: AbortSignal
  ux: Progress
}

/** setTimeout's longest delay (2^31-1 ms, about 24.8 days; longer ones fire at once); over any completion window. */
const MAX_TIMER_MS = 2_147_483_647

/** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort)
      resolve()
    }, ms)
    function abort() {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', abort, {once: true})
  })

/** The longest pause between polls once the status stops changing. */
const MAX_INTERVAL_MS = 60_000

/** How long a 429 (or 5xx) asks to wait: `retry-after-ms`, `Retry-After`, or the exhausted limit's reset. */
function retryAfterMs(error: unknown): number | undefined {
  return retryWaitMs((error as {headers?: {get(name: string): null | string}}).headers)
}

/** Errors worth polling through: rate limits, server errors, a dropped or timed-out connection. */
function isTransient(error: unknown): boolean {
  const status = (error as {status?: number}).status
  if (status === 429 || (status !== undefined && status >= 500)) return true
  const kind = (error as Error | undefined)?.constructor?.name
  return kind === 'APIConnectionError' || kind === 'APIConnectionTimeoutError'
}

/** `429 rate limited`, `503`, `connection error`: what a poll that is polled through met. */
function transientReason(error: unknown): string {
  const status = (error as {status?: number}).status
  if (status === 429) return '429 rate limited'
  if (status !== undefined) return `${status} server error`
  return (error as Error | undefined)?.constructor?.name === 'APIConnectionTimeoutError'
    ? 'no answer in time'
    : 'network error'
}

/** `90s`, `5m`, `2h` for the timeout message. */
function briefly(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

/**
 * Polls batches until each is in a terminal state: the interval grows by half while nothing changes (up to a
 * minute), a 429 waits as long as its Retry-After says, server and network errors (a poll's request timeout
 * included) are polled through. A bar of completed+failed over total on a TTY; in a pipe one status line per
 * change. `timeoutMs` bounds the whole wait (exit 6). Ctrl-C: exit 130, saying the batch keeps running and how to
 * resume. Returns the final Batch objects.
 */
export async function waitForBatches(client: GroqClient, ids: string[], options: WaitOptions): Promise<GroqBatch[]> {
  const latest = new Map<string, GroqBatch>()
  const running = () => ids.filter((id) => !TERMINAL.has(latest.get(id)?.status ?? ''))
  const resume = (waiting: string[]) => `groq batches wait ${waiting.join(' ')}`
  const forget = onInterrupt(() => {
    const waiting = running()
    process.stderr.write(
      `\nStopped waiting; the batch${waiting.length > 1 ? 'es keep' : ' keeps'} running on Groq: ${waiting.join(' ')}\n` +
        `Resume with: ${resume(waiting)}\n`,
    )
  })
  // The deadline aborts whatever is under way, a pause or a poll, with the timeout error.
  const deadline = new AbortController()
  const timedOut = () => {
    const waiting = running()
    const states = waiting.map((id) => `${id} (${latest.get(id)?.status ?? 'no answer yet'})`).join(', ')
    return new CliError(
      `Timed out after ${briefly(options.timeoutMs!)} waiting for ${states}; ` +
        `${waiting.length > 1 ? 'they keep' : 'it keeps'} running on Groq. Resume with: ${resume(waiting)}`,
      ExitCode.network,
    )
  }
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => deadline.abort(timedOut()), Math.min(options.timeoutMs, MAX_TIMER_MS))
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal
  const bar = await options.ux.items(ids.length === 1 ? ids[0] : `${ids.length} batches`)
  let interval = options.intervalMs
  try {
    for (;;) {
      let changed = false
      let pause: number | undefined
      for (const id of ids) {
        if (!running().includes(id)) continue
        try {
          const batch = (await client.batches.retrieve(id, {signal})) as unknown as GroqBatch
          const before = latest.get(id)
          if (!before || before.status !== batch.status || progressOf(before) !== progressOf(batch)) changed = true
          latest.set(id, batch)
          options.ux.status(`${id} ${batch.status}${batch.request_counts ? ` ${progressOf(batch)}` : ''}`)
        } catch (error) {
          if (deadline.signal.aborted) throw deadline.signal.reason
          if (!isTransient(error)) throw error
          const wait = retryAfterMs(error) ?? interval
          pause = Math.max(pause ?? 0, wait)
          options.ux.status(`${id} ${transientReason(error)}; polling again in ${formatWait(wait)}`)
        }
      }
      const batches = [...latest.values()]
      const total = batches.reduce((sum, batch) => sum + (batch.request_counts?.total ?? 0), 0)
      const done = batches.reduce(
        (sum, batch) => sum + (batch.request_counts?.completed ?? 0) + (batch.request_counts?.failed ?? 0),
        0,
      )
      if (total > 0) bar.setTotal(total)
      bar.update(done)
      if (running().length === 0) return ids.map((id) => latest.get(id)!)
      interval = changed
        ? options.intervalMs
        : Math.min(Math.round(interval * 1.5), Math.max(MAX_INTERVAL_MS, options.intervalMs))
      await sleep(pause ?? interval, signal)
    }
  } catch (error) {
    if (deadline.signal.aborted) throw deadline.signal.reason
    if (options.signal?.aborted) throw new CliError('Interrupted', ExitCode.interrupted)
    throw error
  } finally {
    clearTimeout(timer)
    bar.stop()
    forget()
  }
}

/** Exit 1 with the reason when any batch ended failed, expired or cancelled. */
export function assertCompleted(batches: GroqBatch[]): void {
  const failed = batches.filter((batch) => FAILED.has(batch.status))
  if (failed.length > 0) throw new CliError(failed.map((batch) => failureReason(batch)).join('\n'), ExitCode.error)
}
