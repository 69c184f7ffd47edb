import type {TestProject} from 'vitest/node'

import {assertFreshBuild} from '../helpers/cli.js'
import {startPrism} from '../helpers/prism.js'
import {specNoticeAtEnd} from '../helpers/spec.js'
import {tmuxNoticeAtEnd} from '../helpers/tmux.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Base URL of the one Prism serving Groq's spec for this run, e.g. http://127.0.0.1:43817; '' when the spec is
     * missing outside CI, and the contract tests skip (`describe.skipIf(!prismURL)`).
     */
    prismURL: string
  }
}

/**
 * Runs once per vitest run, only when e2e test files are part of it (the `e2e` project in vitest.config.ts):
 * checks that dist/ is built from the current sources, then starts one Prism for every e2e file. Without Groq's
 * spec it starts none (under CI it fails instead: helpers/spec.ts) and says so at the end of the run; the same for
 * tmux, which the terminal tests (test/pty) need (helpers/tmux.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  assertFreshBuild()
  const tmuxNotice = tmuxNoticeAtEnd()
  const specNotice = specNoticeAtEnd()
  const prism = specNotice ? undefined : await startPrism()
  project.provide('prismURL', prism?.url ?? '')
  return async () => {
    await prism?.stop()
    specNotice?.()
    tmuxNotice?.()
  }
}
