import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/core/errors.js'
import {compileJq} from '../../src/lib/output/jq.js'
import {formatJsonText} from '../../src/lib/output/json-text.js'

const MODELS = JSON.stringify({
  data: [
    {active: true, context_window: 131_072, id: 'llama-3.3-70b-versatile'},
    {active: false, context_window: 8192, id: 'old\nmodel'},
  ],
  object: 'list',
})
const plain = {color: false, indent: false}

describe('--jq', () => {
  it('prints strings raw, like jq -r, and other values as compact JSON in a pipe', async () => {
    const filter = await compileJq('.data[] | .id, .context_window, {id}')
    expect(filter.apply(MODELS, plain)).toEqual({
      text: 'llama-3.3-70b-versatile\n131072\n{"id":"llama-3.3-70b-versatile"}\nold\nmodel\n8192\n{"id":"old\\nmodel"}\n',
    })
  })

  it('pretty-prints and colours values on a terminal', async () => {
    const filter = await compileJq('.data[0] | {id, n: .context_window}')
    expect(filter.apply(MODELS, {color: true, indent: true}).text).toBe(
      '{\n  \u001B[34;1m"id"\u001B[0m: \u001B[32m"llama-3.3-70b-versatile"\u001B[0m,\n' +
        '  \u001B[34;1m"n"\u001B[0m: \u001B[33m131072\u001B[0m\n}\n',
    )
  })

  it('refuses an expression that does not compile, naming the flag and where, without running anything', async () => {
    await expect(compileJq('.data[] | |')).rejects.toThrow(UsageError)
    await expect(compileJq('.data[] | |')).rejects.toThrow(
      /^--jq: jq: error: syntax error, unexpected '\|' at <top-level>, line 1, column 11$/,
    )
    await expect(compileJq('nosuchfn(1)')).rejects.toThrow(/^--jq: jq: error: nosuchfn\/1 is not defined/)
    // A filter that would never end if it ran compiles at once.
    await expect(compileJq('def f: f; f # comment')).resolves.toBeDefined()
  })

  it('returns a runtime error as a usage error, with what was printed before it', async () => {
    const filter = await compileJq('.object, .data.id')
    const {error, text} = filter.apply(MODELS, plain)
    expect(text).toBe('list\n')
    expect(error).toBeInstanceOf(UsageError)
    expect(error?.message).toBe('--jq: jq: error: Cannot index array with string ("id")')
  })

  it('keeps numbers beyond double precision as they were', async () => {
    const filter = await compileJq('.n')
    expect(filter.apply('{"n": 123456789012345678901234567890}', plain).text).toBe('123456789012345678901234567890\n')
  })
})

describe('formatJsonText', () => {
  it('indents as JSON.stringify does, empty objects and arrays included', () => {
    const value = {a: [], b: {}, c: [1, {d: null}], e: 'x"y', f: true}
    expect(formatJsonText(JSON.stringify(value), {color: false, indent: true})).toBe(JSON.stringify(value, null, 2))
  })

  it('colours keys, strings, numbers and literals', () => {
    expect(formatJsonText('{"k":"v","n":-1.5e3,"t":null}', {color: true, indent: false})).toBe(
      '{\u001B[34;1m"k"\u001B[0m:\u001B[32m"v"\u001B[0m,\u001B[34;1m"n"\u001B[0m:\u001B[33m-1.5e3\u001B[0m,' +
        '\u001B[34;1m"t"\u001B[0m:\u001B[36mnull\u001B[0m}',
    )
  })
})
