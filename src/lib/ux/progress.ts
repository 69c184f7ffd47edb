import type {IO} from '../core/io.js'

/**
 * Progress on stderr: bars (bytes, items) and a spinner on a TTY, one status line per change in a pipe, nothing
 * with --quiet. cli-progress and ora are imported only when a bar or spinner is actually drawn.
 *
 * - `tty`: stderr is a terminal (and not `--json` into a pipe): bars and spinners.
 * - `lines`: stderr is a file or pipe (a CI log): `status()` lines only, so a long job shows it is moving;
 *   bars and spinners draw nothing.
 * - `off`: `--quiet`: nothing at all.
 */
export type ProgressMode = 'lines' | 'off' | 'tty'

export interface ProgressOptions {
  /** --json (or -o json/ndjson): with stdout piped, the run is a script's; keep stderr for errors. */
  json?: boolean
  quiet?: boolean
}

export function progressMode(io: IO, options: ProgressOptions): ProgressMode {
  if (options.quiet) return 'off'
  if (!io.stderr.isTTY) return 'lines'
  if (options.json && !io.stdout.isTTY) return 'off'
  return 'tty'
}

/** A bar of bytes or items. Safe to call in any mode; it draws only on a TTY. */
export interface Bar {
  /** Sets the total once it is known (a download's Content-Length, a batch's request count). */
  setTotal(total: number): void
  update(value: number): void
  increment(delta?: number): void
  /** Removes the bar (leaves the line clean for what follows). */
  stop(): void
}

export interface Spinner {
  setText(text: string): void
  stop(): void
}

/** Waits shorter than this draw no spinner at all (no flicker for a fast answer). */
export const SPINNER_DELAY_MS = 300

const NOOP_BAR: Bar = {increment() {}, setTotal() {}, stop() {}, update() {}}

/** Human bytes for bars and status lines: 1.5 MB, 320 kB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/**
 * What commands draw progress with. Built per command run from its IO and flags (BaseCommand's `ux`); every
 * method is safe in every mode, so callers never check the mode themselves.
 */
export class Progress {
  readonly mode: ProgressMode
  private lastStatus?: string

  constructor(
    private readonly io: IO,
    options: ProgressOptions,
  ) {
    this.mode = progressMode(io, options)
  }

  /** A bytes bar (`label [=====     ] 12.0 MB / 100 MB  4.1 MB/s`). */
  async bytes(label: string, total?: number): Promise<Bar> {
    return this.bar(label, total, 'bytes')
  }

  /** An items bar (`label [=====     ] 120/1000`). */
  async items(label: string, total?: number): Promise<Bar> {
    return this.bar(label, total, 'items')
  }

  /**
   * One status line, printed only when it differs from the last one: in a pipe this is how a long job shows it
   * is moving (`batch_01… in_progress 120/1000`); on a TTY it is printed above any bar.
   */
  status(line: string): void {
    if (this.mode === 'off' || line === this.lastStatus) return
    this.lastStatus = line
    this.io.stderr.write(line + '\n')
  }

  /** A spinner that appears only if the wait lasts longer than SPINNER_DELAY_MS; TTY only. */
  spinner(text: string): Spinner {
    if (this.mode !== 'tty') return {setText() {}, stop() {}}
    let current = text
    let stopped = false
    let ora: undefined | {stop(): void; text: string}
    const timer = setTimeout(async () => {
      const {default: createOra} = await import('ora')
      if (stopped) return
      ora = createOra({
        discardStdin: false,
        isEnabled: true,
        stream: this.io.stderr as NodeJS.WritableStream as never,
        text: current,
      }).start()
    }, SPINNER_DELAY_MS)
    timer.unref()
    return {
      setText(next) {
        current = next
        if (ora) ora.text = next
      },
      stop() {
        stopped = true
        clearTimeout(timer)
        ora?.stop()
      },
    }
  }

  /** Runs `work` with a spinner showing `text` (from 300 ms on); the spinner is gone when it settles. */
  async whileWaiting<T>(text: string, work: () => Promise<T>): Promise<T> {
    const spinner = this.spinner(text)
    try {
      return await work()
    } finally {
      spinner.stop()
    }
  }

  private async bar(label: string, total: number | undefined, unit: 'bytes' | 'items'): Promise<Bar> {
    if (this.mode !== 'tty') return NOOP_BAR
    const {default: cliProgress} = await import('cli-progress')
    const started = Date.now()
    const bar = new cliProgress.SingleBar(
      {
        barsize: 24,
        clearOnComplete: true,
        format: (options, params) => {
          const width = options.barsize ?? 24
          const ratio = params.total > 0 ? Math.min(1, params.value / params.total) : 0
          const filled = Math.round(ratio * width)
          const drawn = `[${'='.repeat(filled)}${' '.repeat(width - filled)}]`
          if (unit === 'items') return `${label} ${drawn} ${params.value}/${params.total || '?'}`
          const seconds = Math.max(0.001, (Date.now() - started) / 1000)
          const rate = `${formatBytes(Math.round(params.value / seconds))}/s`
          const of = params.total > 0 ? ` / ${formatBytes(params.total)}` : ''
          return `${label} ${drawn} ${formatBytes(params.value)}${of}  ${rate}`
        },
        fps: 10,
        hideCursor: true,
        stream: this.io.stderr as NodeJS.WritableStream as never,
      },
      cliProgress.Presets.legacy,
    )
    let value = 0
    bar.start(total ?? 0, 0)
    return {
      increment(delta = 1) {
        value += delta
        bar.update(value)
      },
      setTotal(next) {
        bar.setTotal(next)
      },
      stop() {
        bar.stop()
      },
      update(next) {
        value = next
        bar.update(next)
      },
    }
  }
}
