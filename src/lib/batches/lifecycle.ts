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
  /** Give up (exit 6) after this long; the batch keeps running. */
  timeoutMs?: number
  signal?: AbortSignal
  ux: Progress
  /** For tests: the clock and the sleep. */
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(new CliError('Interrupted', ExitCode.interrupted))
      },
      {once: true},
    )
  })

/** The longest pause between polls once the status stops changing. */
const MAX_INTERVAL_MS = 60_000

/** How long a 429 (or 5xx) asks to wait: `retry-after-ms`, `Retry-After`, or the exhausted limit's reset. */
function retryAfterMs(error: unknown): number | undefined {
  return retryWaitMs((error as {headers?: {get(name: string): null | string}}).headers)
}

/** Errors worth polling through: rate limits, server errors, a dropped connection. */
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

/**
 * Polls batches until each is in a terminal state: the interval grows by half while nothing changes (up to a
 * minute), a 429 waits as long as its Retry-After says, server and network errors are polled through. A bar of
 * completed+failed over total on a TTY; in a pipe one status line per change. Ctrl-C: exit 130, saying the batch
 * keeps running. Returns the final Batch objects.
 */
export async function waitForBatches(client: GroqClient, ids: string[], options: WaitOptions): Promise<GroqBatch[]> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const started = now()
  const forget = onInterrupt(() => {
    process.stderr.write(
      `\nStopped waiting; the batch${ids.length > 1 ? 'es keep' : ' keeps'} running on Groq: ${ids.join(' ')}\n` +
        `Resume with: groq batches wait ${ids.join(' ')}\n`,
    )
  })
  const bar = await options.ux.items(ids.length === 1 ? ids[0] : `${ids.length} batches`)
  const latest = new Map<string, GroqBatch>()
  let interval = options.intervalMs
  try {
    for (;;) {
      let changed = false
      let pause: number | undefined
      for (const id of ids) {
        if (latest.has(id) && TERMINAL.has(latest.get(id)!.status)) continue
        try {
          const batch = (await client.batches.retrieve(id, {signal: options.signal})) as unknown as GroqBatch
          const before = latest.get(id)
          if (!before || before.status !== batch.status || progressOf(before) !== progressOf(batch)) changed = true
          latest.set(id, batch)
          options.ux.status(`${id} ${batch.status}${batch.request_counts ? ` ${progressOf(batch)}` : ''}`)
        } catch (error) {
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
      if (ids.every((id) => latest.has(id) && TERMINAL.has(latest.get(id)!.status))) {
        return ids.map((id) => latest.get(id)!)
      }
      interval = changed
        ? options.intervalMs
        : Math.min(Math.round(interval * 1.5), Math.max(MAX_INTERVAL_MS, options.intervalMs))
      const wait = pause ?? interval
      if (options.timeoutMs !== undefined && now() - started + wait > options.timeoutMs) {
        const running = ids.filter((id) => !TERMINAL.has(latest.get(id)?.status ?? ''))
        throw new CliError(
          `Timed out waiting for ${running.join(' ')} (still ${running.map((id) => latest.get(id)?.status ?? 'unknown').join(', ')}); ` +
            'the batch keeps running: `groq batches wait` again later',
          ExitCode.network,
        )
      }
      await sleep(wait, options.signal)
    }
  } finally {
    bar.stop()
    forget()
  }
}

/** Exit 1 with the reason when any batch ended failed, expired or cancelled. */
export function assertCompleted(batches: GroqBatch[]): void {
  const failed = batches.filter((batch) => FAILED.has(batch.status))
  if (failed.length > 0) throw new CliError(failed.map((batch) => failureReason(batch)).join('\n'), ExitCode.error)
}
