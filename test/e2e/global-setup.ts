import type {TestProject} from 'vitest/node'

import {assertFreshBuild} from '../helpers/cli.js'
import {startPrism} from '../helpers/prism.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the one Prism serving Groq's spec for this run, e.g. http://127.0.0.1:43817. */
    prismURL: string
  }
}

/**
 * Runs once per vitest run, only when e2e test files are part of it (the `e2e` project in vitest.config.ts):
 * checks that dist/ is built from the current sources, then starts one Prism for every e2e file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  assertFreshBuild()
  const prism = await startPrism()
  project.provide('prismURL', prism.url)
  return () => prism.stop()
}
