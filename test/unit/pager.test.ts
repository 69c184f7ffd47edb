import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'
import {afterEach, describe, expect, it} from 'vitest'

import type {IO} from '../../src/lib/core/io.js'
import {DEFAULT_PAGER, pagerCommand, screenLines, writePaged} from '../../src/lib/ux/pager.js'

function fakeIO(env: NodeJS.ProcessEnv, tty = true, rows = 5): IO & {written: () => string} {
  const stdout = Object.assign(new PassThrough(), {columns: 20, isTTY: tty, rows})
  let written = ''
  stdout.on('data', (data) => (written += data))
  return {env, stderr: new PassThrough(), stdin: new PassThrough(), stdout, written: () => written}
}

describe('pagerCommand', () => {
  it('is GROQ_PAGER, else PAGER, else less -FRX, on a terminal', () => {
    expect(pagerCommand(fakeIO({}), false)).toBe(DEFAULT_PAGER)
    expect(DEFAULT_PAGER).toBe('less -FRX')
    expect(pagerCommand(fakeIO({PAGER: 'more'}), false)).toBe('more')
    expect(pagerCommand(fakeIO({GROQ_PAGER: 'most', PAGER: 'more'}), false)).toBe('most')
  })

  it('is off with --no-pager, an empty GROQ_PAGER or PAGER, cat, or when stdout is not a terminal', () => {
    expect(pagerCommand(fakeIO({}), true)).toBeUndefined()
    expect(pagerCommand(fakeIO({GROQ_PAGER: '', PAGER: 'less'}), false)).toBeUndefined()
    expect(pagerCommand(fakeIO({PAGER: ''}), false)).toBeUndefined()
    expect(pagerCommand(fakeIO({PAGER: 'cat'}), false)).toBeUndefined()
    expect(pagerCommand(fakeIO({PAGER: 'less'}, false), false)).toBeUndefined()
  })
})

describe('screenLines', () => {
  it('counts the lines the terminal wraps, ignoring colour codes', () => {
    expect(screenLines('a\nb\n', 80)).toBe(2)
    expect(screenLines(`${'x'.repeat(25)}\n`, 10)).toBe(3)
    expect(screenLines('\u001B[1mbold\u001B[22m\n', 4)).toBe(1)
  })
})

describe('writePaged', () => {
  let dir: string | undefined
  afterEach(() => dir && rmSync(dir, {force: true, recursive: true}))

  it('sends text taller than the screen to the pager, and prints shorter text itself', async () => {
    dir = mkdtempSync(join(tmpdir(), 'groq-pager-'))
    const file = join(dir, 'paged.txt')
    const io = fakeIO({PATH: process.env.PATH})
    const tall = Array.from({length: 10}, (_, index) => `line ${index}`).join('\n') + '\n'
    await writePaged(io, tall, `cat > ${file}`)
    expect(readFileSync(file, 'utf8')).toBe(tall)
    expect(io.written()).toBe('')

    await writePaged(io, 'short\n', `cat > ${file}.2`)
    expect(io.written()).toBe('short\n')
  })

  it("copies the pager's output to a stdout that is not the process's own", async () => {
    const io = fakeIO({PATH: process.env.PATH})
    const tall = 'y\n'.repeat(10)
    await writePaged(io, tall, 'sed s/y/paged/')
    expect(io.written()).toBe('paged\n'.repeat(10))
  })

  it('falls back to stdout when the pager cannot be started', async () => {
    const io = fakeIO({PATH: process.env.PATH})
    const tall = 'x\n'.repeat(10)
    await writePaged(io, tall, 'no-such-pager-here 2>/dev/null')
    expect(io.written()).toBe(tall)
  })
})
