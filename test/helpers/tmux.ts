/**
 * Real pseudo-terminal tests: tmux runs the BUILT CLI (node bin/run.js, with NODE from cli.ts) in a private tmux server (its own socket in a
 * temp dir, so the user's tmux is never touched), keys go in with send-keys, the screen comes back with capture-pane.
 * The CLI starts from an empty environment (only what the test gives, plus TERM), HOME/XDG_* under `home`, and the
 * wrapping shell prints `[exit N]` when it ends (tmux 3.3 sometimes leaves the exited process unreaped, so
 * #{pane_dead_status} is not used). Panes stay on screen after exit (remain-on-exit in the tmux.conf).
 *
 * Without tmux, as without Groq's spec (spec.ts): under CI the terminal tests fail (a CI that skips them proves
 * nothing; .ci/run installs tmux from Debian), elsewhere they are skipped and the run ends with TMUX_NOTICE. Every
 * test/pty file wraps its tests in `describeWithTmux` (a unit test checks that).
 */
import {execFile, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {describe, it} from 'vitest'

import {BIN, homeEnv, NODE, ROOT} from './cli.js'
import {isCI} from './spec.js'

const execFileAsync = promisify(execFile)

export const hasTmux = spawnSync('tmux', ['-V']).status === 0

const TMUX_MISSING = 'tmux is not installed (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)'

/** The one line printed at the end of a run whose terminal tests were skipped. */
export const TMUX_NOTICE = `Terminal tests (test/pty) skipped: ${TMUX_MISSING}.`

/** Whether the terminal tests run ('run') or are skipped ('skip'); throws when tmux is missing under CI. */
export function terminalTestsMode(tmuxFound: boolean = hasTmux, env: NodeJS.ProcessEnv = process.env): 'run' | 'skip' {
  if (tmuxFound) return 'run'
  if (isCI(env)) throw new Error(`${TMUX_MISSING}. CI is set, so the terminal tests (test/pty) may not be skipped.`)
  return 'skip'
}

/** describe() for tests in a real terminal: without tmux one skipped test outside CI, a failing file under CI. */
export function describeWithTmux(name: string, body: () => void): void {
  if (terminalTestsMode() === 'run') {
    describe(name, body)
  } else {
    describe.skip(name, () => {
      it('needs tmux', () => {})
    })
  }
}

/** For the e2e global setup: the notice to print at the end of the run when the terminal tests skip (throws under CI). */
export function tmuxNoticeAtEnd(): (() => void) | undefined {
  if (terminalTestsMode() === 'run') return undefined
  return () => process.stderr.write(`\n${TMUX_NOTICE}\n`)
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`

export interface Terminal {
  /** The temp HOME of the CLI runs (config, data and cache dirs live under it). */
  home: string
  /** Starts `node bin/run.js ...args` in a new session; the shell survives Ctrl-C (a trap its child does not inherit). */
  start(session: string, args: string[], env: Record<string, string>): Promise<void>
  /** Types text, then Enter. */
  type(session: string, text: string): Promise<void>
  /** Sends tmux key names (C-c, C-d, Enter, …). */
  keys(session: string, ...keys: string[]): Promise<void>
  /** The whole pane, scrollback included. */
  screen(session: string): Promise<string>
  /** Polls the screen until the check passes; fails with the screen after the timeout. */
  until(session: string, what: string, check: (text: string) => boolean, timeoutMs?: number): Promise<string>
  /** The CLI's exit status, once it has exited. */
  exitStatus(session: string): Promise<number>
  /** Kills the tmux server and removes the temp dirs. */
  close(): Promise<void>
}

export function createTerminal(): Terminal {
  const socketDir = mkdtempSync(join(tmpdir(), 'groq-tmux-'))
  const home = mkdtempSync(join(tmpdir(), 'groq-tmux-home-'))
  const {TMUX: _nested, ...env} = process.env
  const tmux = async (...args: string[]) =>
    (await execFileAsync('tmux', ['-S', join(socketDir, 'socket'), ...args], {env})).stdout

  const terminal: Terminal = {
    home,
    async start(session, args, cliEnv) {
      const full: Record<string, string> = {
        ...homeEnv(home),
        LANG: 'C.UTF-8',
        NO_COLOR: '1',
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...cliEnv,
      }
      const assignments = Object.entries(full)
        .map(([name, value]) => `${name}=${quote(value)}`)
        .join(' ')
      const cli = [NODE, BIN, ...args].map(quote).join(' ')
      const command = `trap : INT; env -i TERM="$TERM" ${assignments} ${cli}; echo "[exit $?]"`
      const conf = join(ROOT, 'test/fixtures/repl/tmux.conf')
      await tmux('-f', conf, 'new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', home, command)
    },
    async type(session, text) {
      await tmux('send-keys', '-t', session, '-l', text)
      await tmux('send-keys', '-t', session, 'Enter')
    },
    async keys(session, ...keys) {
      await tmux('send-keys', '-t', session, ...keys)
    },
    screen: (session) => tmux('capture-pane', '-p', '-J', '-t', session, '-S', '-'),
    async until(session, what, check, timeoutMs = 6000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const text = await terminal.screen(session)
        if (check(text)) return text
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${text}`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    },
    async exitStatus(session) {
      const text = await terminal.until(session, 'the CLI to exit', (screen) => /\[exit \d+\]/.test(screen), 5000)
      return Number(/\[exit (\d+)\]/.exec(text)?.[1])
    },
    async close() {
      await tmux('kill-server').catch(() => {})
      rmSync(socketDir, {force: true, recursive: true})
      rmSync(home, {force: true, recursive: true})
    },
  }
  return terminal
}
