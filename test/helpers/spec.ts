/**
 * Groq's OpenAPI spec, which the contract tests need (Prism serves it; a few unit tests compare our enums and ranges
 * with it) and nothing else does. Its path comes from GROQ_OPENAPI_SPEC, else `<repo>/../shared/groq-openapi.yaml`.
 *
 * Without it: under CI the run fails (a CI that silently skips its contract tests proves nothing); elsewhere (a fresh
 * clone) the contract tests are skipped and the run prints SPEC_NOTICE once, so `npm ci && npm test` passes anywhere.
 */
import {existsSync} from 'node:fs'
import {resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Where the spec is looked for: $GROQ_OPENAPI_SPEC, else beside the checkout. */
export function specLocation(env: NodeJS.ProcessEnv = process.env): string {
  return env.GROQ_OPENAPI_SPEC ? resolve(env.GROQ_OPENAPI_SPEC) : resolve(ROOT, '..', 'shared', 'groq-openapi.yaml')
}

/** CI as the CLI reads it: set and not 0/false/empty. */
export const isCI = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.CI !== undefined && !/^(|0|false)$/i.test(env.CI)

/** Where the spec was looked for and how to provide it, in one sentence pair. */
export function missingSpecMessage(env: NodeJS.ProcessEnv = process.env): string {
  const where = env.GROQ_OPENAPI_SPEC
    ? `GROQ_OPENAPI_SPEC=${env.GROQ_OPENAPI_SPEC} is not a file`
    : `Groq's OpenAPI spec is not at ${specLocation(env)}`
  return (
    `${where}. Set GROQ_OPENAPI_SPEC to its path (the team's copy is shared/groq-openapi.yaml beside the main ` +
    'checkout; where else to get it: README.md, "Groq\'s OpenAPI spec")'
  )
}

/** The one line printed when the contract tests are skipped. */
export const SPEC_NOTICE = (env: NodeJS.ProcessEnv = process.env): string =>
  `Contract tests (Prism) skipped: ${missingSpecMessage(env)}.`

/**
 * The spec's path, or undefined when it is missing and contract tests may be skipped (not CI). Throws under CI.
 */
export function findSpec(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = specLocation(env)
  if (existsSync(path)) return path
  if (isCI(env)) throw new Error(`${missingSpecMessage(env)}. CI is set, so the contract tests may not be skipped.`)
  return undefined
}

const NOTICE_PRINTED = Symbol.for('groq.test.specNoticePrinted')

/**
 * For a vitest global setup (main process): prints SPEC_NOTICE to stderr at the end of the run, once even when
 * several projects call it, when the spec is missing outside CI. Throws under CI when it is missing.
 */
export function specNoticeAtEnd(): (() => void) | undefined {
  if (findSpec() !== undefined) return undefined
  const state = globalThis as {[NOTICE_PRINTED]?: boolean}
  return () => {
    if (state[NOTICE_PRINTED]) return
    state[NOTICE_PRINTED] = true
    process.stderr.write(`\n${SPEC_NOTICE()}\n`)
  }
}
