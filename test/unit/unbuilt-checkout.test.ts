/**
 * A checkout that was never built (npm ci, no `npm run build`): bin/run.js says so in one line and exits 1, instead of
 * ERR_MODULE_NOT_FOUND's stack. A copy of bin/ and package.json without dist/ beside them, as a fresh clone has.
 */
import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, expect, it} from 'vitest'

import {ROOT} from '../helpers/run.js'

const checkout = mkdtempSync(join(tmpdir(), 'groq-unbuilt-'))
cpSync(join(ROOT, 'bin'), join(checkout, 'bin'), {recursive: true})
cpSync(join(ROOT, 'package.json'), join(checkout, 'package.json'))
symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir')
afterAll(() => rmSync(checkout, {force: true, recursive: true}))

it.each([[['models', 'list']], [['--help']], [['chat', '--help']]])('groq %j: one line, exit 1', (argv) => {
  const result = spawnSync(process.execPath, [join(checkout, 'bin', 'run.js'), ...argv], {
    encoding: 'utf8',
    env: {...process.env, GROQ_API_KEY: 'gsk_unbuilt'},
  })
  expect(result.stderr).toBe('groq: dist/ is missing; run npm run build\n')
  expect(result.stdout).toBe('')
  expect(result.status).toBe(1)
})
