/**
 * src/lib/http/headers.ts stands in for the platform's Headers inside the groq-sdk bundle and in our transport. Each case
 * runs the same steps on it and on Node's own (undici's) Headers and expects the same results, errors included.
 */
import {inspect} from 'node:util'
import {describe, expect, it} from 'vitest'

import {LightHeaders} from '../../src/lib/http/headers.js'

type AnyHeaders = Headers | LightHeaders
type HeadersClass = new (init?: unknown) => AnyHeaders

/** What a step returned or threw, in a form toEqual can compare. */
function outcome(step: () => unknown): unknown {
  try {
    const value = step()
    if (value && typeof value === 'object' && Symbol.iterator in value)
      return {value: [...(value as Iterable<unknown>)]}
    return {value}
  } catch (error) {
    return {error: (error as Error).constructor.name, message: (error as Error).message}
  }
}

/** Runs steps on a fresh instance of each class; returns both transcripts. */
function compare(init: unknown, steps: ((headers: AnyHeaders) => unknown)[]) {
  const transcript = (Class: HeadersClass) => {
    let headers: AnyHeaders | undefined
    // A function makes a fresh init for each class (an iterator is used up by the first).
    const fresh = typeof init === 'function' ? (init as () => unknown)() : init
    const results = [outcome(() => void (headers = new Class(fresh)))]
    if (headers) for (const step of steps) results.push(outcome(() => step(headers!)))
    if (headers) results.push({entries: [...headers.entries()]})
    return results
  }
  return {light: transcript(LightHeaders as unknown as HeadersClass), platform: transcript(Headers as HeadersClass)}
}

const cases: [string, unknown, ((headers: AnyHeaders) => unknown)[]][] = [
  ['empty', undefined, [(h) => h.get('a'), (h) => h.has('a'), (h) => [...h]]],
  [
    'append combines, case-insensitively, in sorted order',
    undefined,
    [
      (h) => h.append('B', '1'),
      (h) => h.append('a', '2'),
      (h) => h.append('b', '3'),
      (h) => h.get('b'),
      (h) => h.get('B'),
      (h) => h.has('A'),
      (h) => [...h.keys()],
      (h) => [...h.values()],
    ],
  ],
  [
    'set replaces, delete removes',
    [
      ['X-One', '1'],
      ['x-one', '2'],
      ['y', '3'],
    ],
    [(h) => h.set('X-ONE', 'new'), (h) => h.get('x-one'), (h) => h.delete('Y'), (h) => h.has('y'), (h) => h.get('y')],
  ],
  [
    'Set-Cookie stays apart in iteration, combined in get',
    undefined,
    [
      (h) => h.append('Set-Cookie', 'a=1'),
      (h) => h.append('set-cookie', 'b=2'),
      (h) => h.append('Accept', 'x'),
      (h) => h.get('set-cookie'),
      (h) => h.getSetCookie(),
      (h) => [...h],
    ],
  ],
  [
    'values are trimmed of HTTP whitespace; empty values are kept',
    {'Content-Type': ' \tapplication/json\r\n', Empty: '', Inner: 'a  b'},
    [(h) => h.get('content-type'), (h) => h.get('empty'), (h) => h.get('inner')],
  ],
  ['a record: values converted to strings', {a: 1, b: undefined, c: null, d: true}, [(h) => [...h]]],
  ['a Map', new Map([['k', 'v']]), [(h) => h.get('k')]],
  [
    'another Headers',
    new Headers([
      ['a', '1'],
      ['a', '2'],
    ]),
    [(h) => h.get('a')],
  ],
  ['an iterator of pairs', () => [['i', 'j']].values(), [(h) => h.get('i')]],
  ['a pair of length 1', [['a']], []],
  ['a pair of length 3', [['a', 'b', 'c']], []],
  ['a string pair', ['ab'], []],
  ['a number pair', [5], []],
  ['an object pair', [{}], []],
  ['a string init', 'abc', []],
  ['a number init', 5, []],
  ['a record with a bad name', {'bad name': 'x'}, []],
  ['a record with a bad value', {a: 'x\ny'}, []],
  [
    'invalid names throw, by method',
    undefined,
    [
      (h) => h.append('bad name', 'x'),
      (h) => h.append('a:', 'x'),
      (h) => h.set('', 'x'),
      (h) => h.get('é'),
      (h) => h.has('a b'),
      (h) => h.delete(' '),
    ],
  ],
  [
    'invalid values throw',
    undefined,
    [(h) => h.append('x', 'a\nb'), (h) => h.append('x', 'a\0b'), (h) => h.set('x', 'a\rb'), (h) => h.get('x')],
  ],
  [
    'non-byte strings throw; Latin-1 passes',
    undefined,
    [(h) => h.append('x', 'é€'), (h) => h.append('x€', 'v'), (h) => h.append('x', 'é'), (h) => h.get('x')],
  ],
  [
    'missing arguments throw',
    undefined,
    [
      (h) => (h.get as () => unknown)(),
      (h) => (h.has as () => unknown)(),
      (h) => (h.delete as () => unknown)(),
      (h) => (h.append as (name: string) => unknown)('x'),
      (h) => (h.forEach as () => unknown)(),
      (h) => h.forEach(5 as unknown as () => void),
    ],
  ],
  [
    'symbols throw',
    undefined,
    [(h) => h.append(Symbol('s') as unknown as string, 'x'), (h) => h.get(Symbol('t') as unknown as string)],
  ],
  [
    'values are converted with String()',
    undefined,
    [(h) => h.append('x', {toString: () => 'obj'} as unknown as string), (h) => h.append('n', 42 as unknown as string)],
  ],
  [
    'iteration is live: a header appended while iterating is visited',
    [
      ['a', '1'],
      ['b', '2'],
    ],
    [
      (h) => {
        const seen: string[] = []
        for (const [name] of h) {
          if (name === 'a') h.append('c', '3')
          seen.push(name)
        }
        return seen
      },
    ],
  ],
  [
    'forEach passes value, name, the headers and thisArg',
    [
      ['b', '2'],
      ['a', '1'],
    ],
    [
      (h) => {
        const calls: unknown[] = []
        h.forEach(function (this: unknown, value, name, self) {
          calls.push([value, name, self === h, this])
        }, 'this')
        return calls
      },
    ],
  ],
  [
    'the brand and the iterator',
    [['a', '1']],
    [
      (h) => Object.prototype.toString.call(h),
      (h) => Object.prototype.toString.call(h.entries()),
      (h) => h.entries().next(),
      (h) => h[Symbol.iterator]().next(),
      (h) => String(h),
      (h) => JSON.stringify(h),
      (h) => Object.keys(h),
    ],
  ],
]

describe('LightHeaders behaves as the platform Headers', () => {
  it.each(cases)('%s', (_name, init, steps) => {
    const {light, platform} = compare(init, steps)
    expect(light).toEqual(platform)
  })

  it('is shown by util.inspect as the platform shows its own', () => {
    const init = [
      ['B', '1'],
      ['a', '2'],
      ['b', '3'],
    ]
    expect(inspect(new LightHeaders(init))).toBe(inspect(new Headers(init as [string, string][])))
  })
})

it('set() without arguments throws a TypeError (Node 20’s undici fails there on reading toLowerCase)', () => {
  expect(() => (new LightHeaders().set as () => unknown)()).toThrow(
    new TypeError('Headers.set: 2 arguments required, but only 0 found.'),
  )
})

describe('instanceof LightHeaders (what groq-sdk asks inside the bundle)', () => {
  it('is true for its own instances and for the platform Headers, false otherwise', () => {
    expect(new LightHeaders() instanceof LightHeaders).toBe(true)
    expect(new Headers() instanceof LightHeaders).toBe(true)
    expect({} instanceof LightHeaders).toBe(false)
    expect([['a', 'b']] instanceof LightHeaders).toBe(false)
    expect(new Map() instanceof LightHeaders).toBe(false)
    expect((null as unknown as object) instanceof LightHeaders).toBe(false)
  })
})
