import {specNoticeAtEnd} from './helpers/spec.js'

/**
 * Once per vitest run (the unit project's global setup; the e2e project's does the same): when Groq's spec is missing
 * outside CI, the contract tests skip and the run ends with one line saying how to provide it. Under CI it fails.
 */
export default function setup(): (() => void) | undefined {
  return specNoticeAtEnd()
}
