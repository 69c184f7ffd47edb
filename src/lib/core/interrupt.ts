import {setMaxListeners} from 'node:events'

import {ExitCode} from './exit-codes.js'

type Cleanup = () => void

const cleanups = new Set<Cleanup>()
const controller = new AbortController()
// Every request adds a listener to this one signal; a REPL session makes many requests.
setMaxListeners(0, controller.signal)
let installed = false

/** Aborted on Ctrl-C: pass it to requests so they stop at once. */
export const interruptSignal: AbortSignal = controller.signal

/**
 * Ctrl-C ends the command with exit 130, after synchronous clean-ups (removing a half-written temp
 * file, say) have run. A command with its own Ctrl-C behaviour (the chat REPL) replaces the handler.
 */
export function installInterruptHandler(): void {
  if (installed) return
  installed = true
  process.on('SIGINT', handleInterrupt)
}

export function uninstallInterruptHandler(): void {
  installed = false
  process.off('SIGINT', handleInterrupt)
}

/** Registers a synchronous clean-up for Ctrl-C; call the returned function once it is not needed. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

function handleInterrupt(): void {
  controller.abort()
  for (const cleanup of cleanups) {
    try {
      cleanup()
    } catch {
      // best effort: we are exiting anyway
    }
  }
  process.exit(ExitCode.interrupted)
}
