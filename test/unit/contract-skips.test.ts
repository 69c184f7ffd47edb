/**
 * `npm test` passes on a clone without Groq's spec (contract tests skipped, test/helpers/spec.ts) only if every e2e
 * file that talks to Prism skips those tests when there is no Prism: `describe.skipIf(!prismURL)` (or `it.skipIf`).
 * Without it such a file fails there, and nobody with the spec would notice. This catches the omission here.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {ROOT} from '../helpers/run.js'

const E2E = join(ROOT, 'test', 'e2e')

it('every e2e file that injects prismURL skips its Prism tests without it (skipIf(!prismURL))', () => {
  const files = readdirSync(E2E).filter((name) => name.endsWith('.test.ts'))
  const usingPrism = files.filter((name) => readFileSync(join(E2E, name), 'utf8').includes("inject('prismURL')"))
  expect(usingPrism.length).toBeGreaterThan(0)
  const notSkipping = usingPrism.filter((name) => !readFileSync(join(E2E, name), 'utf8').includes('skipIf(!prismURL)'))
  expect(notSkipping, 'add `describe.skipIf(!prismURL)` around their Prism tests').toEqual([])
})
