/**
 * src/lib/http/fetch-globals.ts: what the groq-sdk bundle sees as FormData, Response and ReadableStream. `new` must give
 * the platform's own object, `instanceof` must answer as it does against the platform's class, for the bodies
 * groq-sdk checks (JSON objects, strings, bytes, forms, streams), and asking must not load anything.
 */
import {spawnSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'

import {FormData, GroqReadableStream, Headers, Response} from '../../src/lib/http/fetch-globals.js'
import {LightHeaders} from '../../src/lib/http/headers.js'

const standIns = [
  ['FormData', FormData, globalThis.FormData],
  ['Response', Response, globalThis.Response],
  ['ReadableStream', GroqReadableStream, globalThis.ReadableStream],
] as const

const candidates: [string, () => unknown][] = [
  ['a JSON body', () => ({messages: [], model: 'm'})],
  ['a string', () => 'text'],
  ['bytes', () => new Uint8Array(2)],
  ['null', () => null],
  ['a function', () => () => {}],
  ['a FormData', () => new globalThis.FormData()],
  ['a Response', () => new globalThis.Response('x')],
  ['a ReadableStream', () => new globalThis.ReadableStream()],
  ['a Blob', () => new Blob(['x'])],
  ['URLSearchParams', () => new URLSearchParams('a=1')],
]

describe.each(standIns)('%s', (name, StandIn, Platform) => {
  it.each(candidates)('instanceof %s answers as against the platform class', (_label, make) => {
    const value = make()
    expect(value instanceof StandIn).toBe(value instanceof Platform)
  })

  it('new gives the platform’s own object', () => {
    const made = new (StandIn as unknown as new () => object)()
    expect(Object.getPrototypeOf(made)).toBe(Platform.prototype)
    expect(made instanceof StandIn).toBe(true)
  })

  it('without new throws, as a class does', () => {
    expect(() => (StandIn as unknown as () => unknown)()).toThrow(
      new TypeError(`Class constructor ${name} cannot be invoked without 'new'`),
    )
  })

  it('is named after the global', () => {
    expect(StandIn.name).toBe(name)
  })
})

it('Headers is the light implementation', () => {
  expect(Headers).toBe(LightHeaders)
})

it('checking a JSON body against them loads neither undici nor the web streams', () => {
  // A fresh process: this one has loaded both already.
  const script = `
    const {FormData, GroqReadableStream, Headers, Response} = await import(${JSON.stringify(new URL('../../src/lib/http/fetch-globals.ts', import.meta.url).href)})
    const body = {model: 'm'}
    const answers = [body instanceof FormData, body instanceof Response, body instanceof GroqReadableStream]
    new Headers([['a', 'b']]).get('a')
    const loaded = process.moduleLoadList.filter((name) => /undici|webstreams\\/readablestream/.test(name))
    console.log(JSON.stringify({answers, loaded}))`
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  })
  expect(result.stderr).toBe('')
  expect(JSON.parse(result.stdout)).toEqual({answers: [false, false, false], loaded: []})
})
