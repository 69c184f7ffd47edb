/**
 * `npm test` passes on a clone without Groq's spec (contract tests skipped, test/helpers/spec.ts) only if every e2e
 * file that talks to Prism skips those tests when there is no Prism: `describe.skipIf(!prismURL)` (or `it.skipIf`).
 * Without it such a file fails there, and nobody with the spec would notice. This catches the omission here.
 * The same for tmux and the terminal tests (test/helpers/tmux.ts): skipped without it outside CI, failing under CI.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {ROOT} from '../helpers/run.js'
import {terminalTestsMode, TMUX_NOTICE} from '../helpers/tmux.js'

const E2E = join(ROOT, 'test', 'e2e')
const PTY = join(ROOT, 'test', 'pty')

it('every e2e file that injects prismURL skips its Prism tests without it (skipIf(!prismURL))', () => {
  const files = readdirSync(E2E).filter((name) => name.endsWith('.test.ts'))
  const usingPrism = files.filter((name) => readFileSync(join(E2E, name), 'utf8').includes("inject('prismURL')"))
  expect(usingPrism.length).toBeGreaterThan(0)
  const notSkipping = usingPrism.filter((name) => !readFileSync(join(E2E, name), 'utf8').includes('skipIf(!prismURL)'))
  expect(notSkipping, 'add `describe.skipIf(!prismURL)` around their Prism tests').toEqual([])
})

it('every test/pty file wraps its tests in describeWithTmux, and none decides on tmux or CI itself', () => {
  const files = readdirSync(PTY).filter((name) => name.endsWith('.test.ts'))
  expect(files.length).toBeGreaterThan(0)
  const text = (name: string) => readFileSync(join(PTY, name), 'utf8')
  expect(files.filter((name) => !text(name).includes('describeWithTmux('))).toEqual([])
  expect(files.filter((name) => /hasTmux|skipIf|process\.env\.CI/.test(text(name)))).toEqual([])
})

it('without tmux the terminal tests skip outside CI and fail under CI, naming how to install it', () => {
  expect(terminalTestsMode(true, {CI: 'true'})).toBe('run')
  expect(terminalTestsMode(true, {})).toBe('run')
  expect(terminalTestsMode(false, {})).toBe('skip')
  expect(terminalTestsMode(false, {CI: '0'})).toBe('skip')
  expect(() => terminalTestsMode(false, {CI: 'true'})).toThrow(
    'tmux is not installed (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux). CI is set, so the ' +
      'terminal tests (test/pty) may not be skipped.',
  )
  expect(TMUX_NOTICE).toBe(
    'Terminal tests (test/pty) skipped: tmux is not installed (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux).',
  )
})
