/**
 * src/lib/boot/command-order.ts replaces `a.id.localeCompare(b.id)` in the bundled oclif: the same sign, always.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {compareCommandIds, hasPlainCollation} from '../../src/lib/boot/command-order.js'

const ROOT = join(import.meta.dirname, '..', '..')
const sign = (value: number) => Math.sign(value)

/** A small deterministic generator (no flaky random inputs). */
function* ids(count: number, alphabet: string, seed = 1): Generator<string> {
  let state = seed
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31)
  for (let index = 0; index < count; index++) {
    const length = next() % 7
    let id = ''
    for (let char = 0; char < length; char++) id += alphabet[next() % alphabet.length]
    yield id
  }
}

describe('compareCommandIds', () => {
  it('orders ids of a-z, - and : as localeCompare does in English (every pair of 600 generated ids)', () => {
    const list = [...ids(600, 'abyz:-ij')]
    const english = new Intl.Collator('en-US')
    for (const a of list)
      for (const b of list) expect(sign(compareCommandIds(a, b)), `${a} vs ${b}`).toBe(sign(english.compare(a, b)))
  })

  it('sorts the ids of this CLI and its plugins as oclif did', () => {
    const manifests = [
      join(ROOT, 'oclif.manifest.json'),
      ...['plugin-help', 'plugin-autocomplete', 'plugin-not-found'].map((name) =>
        join(ROOT, 'node_modules', '@oclif', name, 'oclif.manifest.json'),
      ),
    ]
    const all = manifests.flatMap((file) =>
      Object.keys((JSON.parse(readFileSync(file, 'utf8')) as {commands: object}).commands),
    )
    expect(all.length).toBeGreaterThan(15)
    const english = new Intl.Collator('en-US')
    expect([...all].sort(compareCommandIds)).toEqual([...all].sort((a, b) => english.compare(a, b)))
  })

  it('leaves any other id to localeCompare (digits, capitals, other characters)', () => {
    for (const [a, b] of [
      ['a1', 'a:'],
      ['Models', 'models'],
      ['a_b', 'a-b'],
      ['é', 'f'],
    ]) {
      expect(sign(compareCommandIds(a, b))).toBe(sign(a.localeCompare(b)))
    }
  })
})

describe('hasPlainCollation', () => {
  it.each([
    [{}, true],
    [{LANG: 'C.UTF-8'}, true],
    [{LANG: 'en_US.UTF-8'}, true],
    [{LANG: 'en_GB.UTF-8', LC_ALL: 'POSIX'}, true],
    [{LANG: 'en'}, true],
    [{LANG: ''}, true],
    [{LANG: 'da_DK.UTF-8'}, false],
    [{LANG: 'en_US.UTF-8', LC_COLLATE: 'lt_LT.UTF-8'}, false],
    [{LANG: 'en_US.UTF-8', LC_ALL: 'et_EE'}, false],
    [{LC_MESSAGES: 'de_DE'}, false],
    [{LANG: 'english'}, false],
  ])('%j: %s', (env, plain) => {
    expect(hasPlainCollation(env)).toBe(plain)
  })

  it('is right about the locales it calls plain, and the others do differ (which is why they are left alone)', () => {
    const sample = ['aa', 'ab', 'i', 'j', 'y', 'z', 'models:list', 'models-x']
    const ordered = (locale: string) => [...sample].sort(new Intl.Collator(locale).compare)
    const byCode = [...sample].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    for (const locale of ['en', 'en-US', 'en-GB', 'en-US-u-va-posix', 'und']) expect(ordered(locale)).toEqual(byCode)
    for (const locale of ['da', 'lt']) expect(ordered(locale)).not.toEqual(byCode)
  })
})
