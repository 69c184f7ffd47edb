import {setMaxListeners} from 'node:events'

import {ExitCode} from './exit-codes.js'

type Cleanup = () => void

const cleanups = new Set<Cleanup>()
const controller = new AbortController()
// Every request adds a listener to this one signal; a REPL session makes many requests.
setMaxListeners(0, controller.signal)
let installed = false
let terminationInstalled = false

/** Aborted on Ctrl-C (and SIGTERM, SIGHUP): pass it to requests so they stop at once. */
export const interruptSignal: AbortSignal = controller.signal

/**
 * Ctrl-C ends the command with exit 130, after synchronous clean-ups (removing a half-written temp
 * file, say) have run. A command with its own Ctrl-C behaviour (the chat REPL) replaces the handler.
 * SIGTERM (`kill`, a CI runner's timeout) and SIGHUP (the terminal closed) run the same clean-ups and exit
 * 128 + the signal's number (143, 129), whatever a command did with SIGINT: the terminal and the files are left as
 * Ctrl-C leaves them (an answer's line ended, no temp file, no lock).
 */
export function installInterruptHandler(): void {
  if (!terminationInstalled) {
    terminationInstalled = true
    process.on('SIGTERM', handleTerminate)
    process.on('SIGHUP', handleTerminate)
  }
  if (installed) return
  installed = true
  process.on('SIGINT', handleInterrupt)
}

/** Takes the Ctrl-C handler away (the REPL's own replaces it); SIGTERM and SIGHUP keep theirs. */
export function uninstallInterruptHandler(): void {
  installed = false
  process.off('SIGINT', handleInterrupt)
}

/** Registers a synchronous clean-up for Ctrl-C; call the returned function once it is not needed. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

function runCleanups(): void {
  controller.abort()
  for (const cleanup of cleanups) {
    try {
      cleanup()
    } catch {
      // best effort: we are exiting anyway
    }
  }
}

function handleInterrupt(): void {
  runCleanups()
  process.exit(ExitCode.interrupted)
}

function handleTerminate(signal: NodeJS.Signals): void {
  runCleanups()
  process.exit(signal === 'SIGHUP' ? 129 : 143)
}
