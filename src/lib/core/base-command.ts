import {Command, Flags, type Interfaces} from './oclif.js'

import {type ClientOptions, type GroqClient, createClient} from '../http/client.js'
import {closeConnections} from '../http/transport.js'
import {
  DEFAULT_PROFILE,
  type ModelEndpoint,
  type OutputFormat,
  OUTPUT_FORMATS,
  type Settings,
  resolveSettings,
} from './config.js'
import {CliError, describeError, redactURL, UsageError} from './errors.js'
import {ExitCode} from './exit-codes.js'
import {installInterruptHandler, interruptSignal} from './interrupt.js'
import {colorEnabled, getIO, type IO, isStdoutTTY, readStdin, stdoutClosed, write} from './io.js'
import {defaultFormat, render} from '../output/format.js'
import {formatJsonText} from '../output/json-text.js'
import type {JqFilter} from '../output/jq.js'
import type {Result} from '../output/types.js'
import {canPrompt} from './prompts.js'
import {isParseError, rewriteParseError} from './usage-errors.js'
import {Progress} from '../ux/progress.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type Args<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

const GLOBAL = 'GLOBAL'

/**
 * Every command extends this. It owns the global flags, settings and the lazy API client, renders
 * what `run()` returns (json, table, plain or ndjson), and turns every error into one stderr line
 * and an exit code. Commands never print data or errors themselves.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static baseFlags = {
    'api-key': Flags.string({
      description: 'Groq API key (default: $GROQ_API_KEY, then the profile)',
      helpGroup: GLOBAL,
    }),
    'base-url': Flags.string({
      description: 'API base URL (default: $GROQ_BASE_URL, then the profile)',
      helpGroup: GLOBAL,
    }),
    color: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'colour on a TTY (also off with NO_COLOR)',
      helpGroup: GLOBAL,
    }),
    debug: Flags.boolean({
      description: 'print stack traces and a request/response summary to stderr',
      helpGroup: GLOBAL,
    }),
    input: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'allow prompts (--no-input never asks)',
      helpGroup: GLOBAL,
    }),
    jq: Flags.string({
      description: 'filter the JSON output with a jq expression (implies --json; strings print raw, as jq -r)',
      helpGroup: GLOBAL,
      helpValue: 'EXPR',
    }),
    json: Flags.boolean({description: 'print the API response as JSON (same as -o json)', helpGroup: GLOBAL}),
    'max-retries': Flags.integer({
      description: 'retries on 429, 5xx and network errors (default 2)',
      helpGroup: GLOBAL,
      max: 10,
      min: 0,
    }),
    output: Flags.string({
      char: 'o',
      description: 'output format (default: table on a TTY, plain when piped)',
      helpGroup: GLOBAL,
      options: [...OUTPUT_FORMATS],
    }),
    pager: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'page output taller than the terminal ($GROQ_PAGER, $PAGER, else less -FRX; never in a pipe)',
      helpGroup: GLOBAL,
    }),
    profile: Flags.string({description: 'config profile (default: $GROQ_PROFILE, then "default")', helpGroup: GLOBAL}),
    quiet: Flags.boolean({char: 'q', description: 'no warnings or progress on stderr', helpGroup: GLOBAL}),
    timeout: Flags.string({description: 'request timeout: 500ms, 30s, 2m, 1h (default 60s)', helpGroup: GLOBAL}),
  }

  protected flags!: BaseFlags<T>
  protected args!: Args<T>
  /** Every positional argument as parsed (with `strict = false`, also those past the declared args). */
  protected parsedArgv: string[] = []
  /** Injectable in tests; every read and write goes through it. */
  protected io: IO = getIO()
  protected readonly signal: AbortSignal = interruptSignal

  private cachedSettings?: Settings
  private cachedUx?: Progress
  private cachedClient?: Promise<GroqClient>
  /** --jq, compiled in init() so a bad expression fails (exit 2) before any request. */
  private jqFilter?: JqFilter

  /** Return a Result to have it rendered, or nothing when the command printed all it had to. */
  abstract run(): Promise<Result | void>

  public async init(): Promise<void> {
    await super.init()
    installInterruptHandler()
    // A closed pipe (`groq models list | head -1`) is not an error.
    this.io.stdout.on('error', (error: NodeJS.ErrnoException) => {
      // …unless a command must finish first (chat saving the answer it is receiving: core/io.ts).
      if (error.code === 'EPIPE' && !stdoutClosed()) process.exit(process.exitCode ?? 0)
    })
    const {args, argv, flags} = await this.parse({
      args: this.ctor.args,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as Args<T>
    this.parsedArgv = argv as string[]
    const {jq} = this.flags as BaseFlags<typeof BaseCommand>
    if (jq !== undefined) {
      const {compileJq} = await import('../output/jq.js')
      this.jqFilter = await compileJq(jq)
    }
  }

  /** Commands that create the profile they are given (auth login, config set); others refuse a missing one. */
  static createsProfile = false

  /** Settings from flags, environment and config file, read on first use. */
  protected get settings(): Settings {
    if (!this.cachedSettings) {
      const flags = this.flags as BaseFlags<typeof BaseCommand>
      // A command that declares its own --timeout (batches wait: the whole wait) replaces the global flag; its
      // value is not a request timeout, so requests keep the configured one.
      const ownTimeout = this.ctor.flags?.timeout !== undefined
      const resolved = resolveSettings(ownTimeout ? {...flags, timeout: undefined} : flags, this.io.env)
      const {config, profile} = resolved
      // A profile named with --profile or GROQ_PROFILE must exist for a command that reads it (exit 4), so a
      // typo never silently runs with no settings; "default" and a file without profiles are fine (and so is a
      // file that could not be read, when the run does not need it).
      const named = flags.profile !== undefined || Boolean(this.io.env.GROQ_PROFILE)
      if (
        named &&
        !config.ignored &&
        !(profile in config.file.profiles) &&
        !(this.ctor as typeof BaseCommand).createsProfile
      ) {
        const known = Object.keys(config.file.profiles)
        if (known.length > 0 || profile !== DEFAULT_PROFILE) {
          throw new CliError(
            `Profile "${profile}" does not exist${known.length > 0 ? ` (profiles: ${known.join(', ')})` : ''}; create it with: groq auth login --profile ${profile}`,
            ExitCode.notFound,
          )
        }
      }
      this.cachedSettings = resolved
      for (const warning of this.cachedSettings.warnings) this.warnLine(warning)
      if (flags['api-key']) {
        this.warnLine(
          'Warning: a key given with --api-key can be read by other users of this machine (ps); set GROQ_API_KEY or run `groq auth login` instead',
        )
      }
    }
    return this.cachedSettings
  }

  /** The groq-sdk client, built once, on first use; fails with exit 3 when there is no key. */
  protected client(): Promise<GroqClient> {
    this.cachedClient ??= createClient(this.settings, this.clientOptions())
    return this.cachedClient
  }

  /** What every client of this run is built with (also the one `auth` builds for a key it checks). */
  protected clientOptions(): ClientOptions {
    return {
      debug: this.flags.debug ? (line) => this.io.stderr.write(line + '\n') : undefined,
      env: this.io.env,
      onRetry: (line) => this.warnLine(line),
      userAgent: `groq-cli/${this.config.version}`,
    }
  }

  /**
   * All of stdin as text, at most config `max_stdin` (default 10 MB): more, binary data or invalid UTF-8 is a
   * usage error (exit 2) before any request. Commands read stdin through this (or core/input.ts), never directly.
   */
  protected readStdinText(what = 'stdin'): Promise<string> {
    return readStdin(this.io, {maxBytes: this.settings.maxStdinBytes, what})
  }

  /** The profile's default model for an endpoint (`groq config set model.embed …`), if one is set. */
  protected configuredModel(endpoint: ModelEndpoint): string | undefined {
    const model = this.settings.profileData[`model.${endpoint}`]
    return typeof model === 'string' && model ? model : undefined
  }

  /**
   * Whether the result goes out as JSON, for commands that print only then (config set, auth logout). Does not fail on
   * a config file with a bad value: those commands are how it gets fixed.
   */
  protected printsJson(): boolean {
    try {
      return this.outputFormat === 'json'
    } catch {
      return false
    }
  }

  protected get outputFormat(): OutputFormat {
    if (this.flags.json || this.flags.jq !== undefined) return 'json'
    return defaultFormat((this.flags.output as OutputFormat | undefined) ?? this.settings.output, isStdoutTTY(this.io))
  }

  /**
   * Progress on stderr (bars, spinner, status lines): drawn only when stderr is a TTY, status lines only in a
   * pipe, nothing with --quiet or with --json/ndjson into a pipe (src/lib/ux/progress.ts).
   */
  protected get ux(): Progress {
    this.cachedUx ??= new Progress(this.io, {
      json: this.flags.json || this.flags.output === 'json' || this.flags.output === 'ndjson',
      quiet: this.flags.quiet,
    })
    return this.cachedUx
  }

  protected get color(): boolean {
    return colorEnabled(this.io, !this.flags.color)
  }

  protected get canPrompt(): boolean {
    return canPrompt(this.io, !this.flags.input)
  }

  /** A warning or note on stderr, unless --quiet. */
  protected warnLine(message: string): void {
    if (!this.flags?.quiet) this.io.stderr.write(message + '\n')
  }

  protected async print(result: Result): Promise<void> {
    if (this.jqFilter) return this.writeFiltered(JSON.stringify(result.data ?? null))
    const textOut = await render(result, {
      color: this.color,
      format: this.outputFormat,
      stdoutIsTTY: isStdoutTTY(this.io),
      width: this.io.stdout.columns,
    })
    if (textOut) await this.writeStdout(textOut)
  }

  /**
   * JSON a command has as text rather than as a Result (an API response body, a stored document), printed as print()
   * prints JSON: through --jq when given; on a terminal re-indented, coloured and paged; in a pipe as it is, byte for
   * byte (numbers beyond double precision and key order kept).
   */
  protected async printJsonText(json: string): Promise<void> {
    if (this.jqFilter) return this.writeFiltered(json)
    if (!isStdoutTTY(this.io)) return write(this.io.stdout, json)
    const trimmed = json.trim()
    if (trimmed) await this.writeStdout(formatJsonText(trimmed, {color: this.color, indent: true}) + '\n')
  }

  /**
   * For output that is not JSON (audio, a downloaded file's bytes, files written elsewhere): --jq would have nothing
   * to filter, so it is refused before any request (exit 2), saying what the command prints instead.
   */
  protected refuseJq(why: string): void {
    if (this.jqFilter) throw new UsageError(`--jq: ${why}`)
  }

  private async writeFiltered(json: string): Promise<void> {
    const {error, text: filtered} = this.jqFilter!.apply(json, {color: this.color, indent: isStdoutTTY(this.io)})
    if (filtered) await this.writeStdout(filtered)
    if (error) throw error
  }

  /** Data for stdout: through the pager when stdout is a terminal and the text is taller than it (ux/pager.ts). */
  protected async writeStdout(textOut: string): Promise<void> {
    if (!isStdoutTTY(this.io)) return write(this.io.stdout, textOut)
    const {pagerCommand, writePaged} = await import('../ux/pager.js')
    await writePaged(this.io, textOut, pagerCommand(this.io, !this.flags.pager))
  }

  // oclif's _run, with rendering of the returned result inside the same error handling.
  protected async _run<R>(): Promise<R> {
    let error: Error | undefined
    let result: Result | void = undefined
    try {
      await this.init()
      result = await this.run()
      if (result) await this.print(result)
    } catch (error_) {
      error = error_ as Error
      await this.catch(error as Error)
    } finally {
      // Whatever a command left open (a response it never read) must not keep the process alive.
      closeConnections()
      await this.finally(error)
    }
    return result as R
  }

  /** One line on stderr (stack and details only with --debug), exit code from the error's kind. */
  async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (isParseError(error)) {
      // oclif's parse errors in our one-line style, naming the flag or argument and this command's help.
      const rewritten = rewriteParseError(error, {
        bin: this.config.bin,
        command: (this.id ?? '').replaceAll(':', ' '),
        flagNames: Object.keys({...(this.ctor as typeof BaseCommand).baseFlags, ...this.ctor.flags}),
      })
      if (rewritten) error = new UsageError(rewritten)
    }
    const {exitCode, message} = describeError(error, {
      baseURL: this.cachedSettings?.baseURL?.value ?? 'https://api.groq.com',
      maxRetryWaitMs: this.cachedSettings?.maxRetryWaitMs,
    })
    const debug = this.flags?.debug ?? this.argv.includes('--debug')
    if (message) this.io.stderr.write(`Error: ${message}\n`)
    if (debug && error.stack) this.io.stderr.write(redactURL(error.stack) + '\n')
    process.exitCode = exitCode
  }
}
