/**
 * For unit tests that compare our constants with Groq's OpenAPI spec (enums, ranges, the list of operations).
 * `describeWithSpec(name, (spec) => { ... })` is a describe() whose body gets the parsed spec; without the spec
 * (outside CI, see spec.ts) it is one skipped test instead, and the run ends with the notice saying how to provide it.
 */
import {readFileSync} from 'node:fs'
import {describe, it} from 'vitest'
import {parse} from 'yaml'

import {findSpec} from './spec.js'

/** The parsed spec, as `yaml` returns it (untyped: tests walk it freely). */
export type OpenAPISpec = ReturnType<typeof parse>

let cached: {path: string; spec: OpenAPISpec} | undefined

/** The parsed spec, or undefined when it is missing outside CI (throws under CI). Parsed once per test file. */
export function readSpec(): OpenAPISpec | undefined {
  const path = findSpec()
  if (path === undefined) return undefined
  if (cached?.path !== path) cached = {path, spec: parse(readFileSync(path, 'utf8'))}
  return cached.spec
}

export function describeWithSpec(name: string, body: (spec: OpenAPISpec) => void): void {
  const spec = readSpec()
  if (spec === undefined) {
    describe.skip(name, () => {
      it("needs Groq's OpenAPI spec (GROQ_OPENAPI_SPEC)", () => {})
    })
  } else {
    describe(name, () => body(spec))
  }
}
