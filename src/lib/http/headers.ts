/**
 * A small WHATWG `Headers` (the Fetch standard's header list), for groq-sdk and our transport.
 *
 * Node 20's global `Headers` is undici's: touching it loads Node's bundled undici, which costs more than the
 * rest of a `groq models list`. groq-sdk builds every request's headers with `new Headers()`, and our transport
 * hands it response headers in one. The build gives the bundled groq-sdk this class instead of the global one
 * (src/lib/http/fetch-globals.ts); the process's `globalThis.Headers` is never replaced.
 *
 * Same behaviour as undici's for everything the standard defines: names are case-insensitive and validated, values
 * normalised (surrounding whitespace) and validated, repeated names combined with ", " (Set-Cookie apart, also in
 * iteration), iteration sorted by lower-case name, the same TypeErrors with the same messages.
 * `instanceof` accepts any Headers (this class or undici's), by brand: groq-sdk asks `headers instanceof Headers`
 * to decide how to read a caller's headers, and must keep reading real ones correctly.
 */

type HeadersInit = Iterable<Iterable<string>> | Record<string, string> | LightHeaders

// RFC 9110 token characters: header names are made of these.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Values: no NUL, CR or LF once leading and trailing HTTP whitespace (tab, space, CR, LF) is gone.
const INVALID_VALUE = /[\0\r\n]/
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g

function byteString(value: unknown, context: string, what: string): string {
  if (typeof value === 'symbol') {
    throw new TypeError(`${context}: ${what} is a symbol, which cannot be converted to a DOMString.`)
  }
  const text = String(value)
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code > 255) {
      throw new TypeError(
        `Cannot convert argument to a ByteString because the character at index ${index} has a value of ${code} which is greater than 255.`,
      )
    }
  }
  return text
}

function headerName(name: unknown, context: string): string {
  const text = byteString(name, context, 'name')
  if (!TOKEN.test(text)) throw new TypeError(`${context}: "${text}" is an invalid header name.`)
  return text
}

/** A name and a value, converted (both) before either is validated, in that order, as WebIDL does. */
function headerPair(name: unknown, value: unknown, context: string): [string, string] {
  const nameText = byteString(name, context, 'name')
  const valueText = byteString(value, context, 'value').replace(EDGE_WHITESPACE, '')
  headerName(nameText, context)
  if (INVALID_VALUE.test(valueText)) throw new TypeError(`${context}: "${valueText}" is an invalid header value.`)
  return [nameText, valueText]
}

/** How WebIDL quotes a value in an error message. */
function stringify(value: unknown): string {
  if (typeof value === 'symbol') return `Symbol(${value.description})`
  if (typeof value === 'string') return `"${value}"`
  return String(value)
}

function requireArguments(count: number, wanted: number, context: string): void {
  if (count >= wanted) return
  const found = wanted === 1 ? `but ${count} found` : `but only ${count} found`
  throw new TypeError(`${context}: ${wanted} argument${wanted === 1 ? '' : 's'} required, ${found}.`)
}

interface Entry {
  /** The name as first appended (what util.inspect shows); lookups use the lower-case key. */
  name: string
  values: string[]
}

const BRAND = '[object Headers]'

export class LightHeaders {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === BRAND
  }

  readonly #list = new Map<string, Entry>()
  #sorted: [string, string][] | undefined

  constructor(init?: HeadersInit) {
    if (init === undefined || init === null) return
    if (typeof init !== 'object' && typeof init !== 'function') {
      throw new TypeError(
        'Headers constructor: Argument 1 could not be converted to one of: sequence<sequence<ByteString>>, record<ByteString, ByteString>.',
      )
    }
    if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      let index = 0
      for (const pair of init as Iterable<Iterable<string>>) {
        // undici's messages, its spelling included.
        if ((typeof pair !== 'object' && typeof pair !== 'function') || pair === null) {
          throw new TypeError(`Headers contructor: init[${index}] (${stringify(pair)}) is not iterable.`)
        }
        if (typeof pair[Symbol.iterator] !== 'function') {
          throw new TypeError(`Headers contructor: init[${index}] is not iterable.`)
        }
        index++
        const items = [...pair]
        if (items.length !== 2) {
          throw new TypeError(`Headers constructor: expected name/value pair to be length 2, found ${items.length}.`)
        }
        this.#append(items[0], items[1], 'Headers.append')
      }
      return
    }
    for (const key of Reflect.ownKeys(init)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(init, key)
      if (!descriptor?.enumerable) continue
      this.#append(key, (init as Record<string | symbol, unknown>)[key], 'Headers.append')
    }
  }

  append(name: string, value: string): void {
    requireArguments(arguments.length, 2, 'Headers.append')
    this.#append(name, value, 'Headers.append')
  }

  delete(name: string): void {
    requireArguments(arguments.length, 1, 'Headers.delete')
    if (this.#list.delete(headerName(name, 'Headers.delete').toLowerCase())) this.#sorted = undefined
  }

  get(name: string): string | null {
    requireArguments(arguments.length, 1, 'Headers.get')
    const entry = this.#list.get(headerName(name, 'Headers.get').toLowerCase())
    return entry ? entry.values.join(', ') : null
  }

  getSetCookie(): string[] {
    return [...(this.#list.get('set-cookie')?.values ?? [])]
  }

  has(name: string): boolean {
    requireArguments(arguments.length, 1, 'Headers.has')
    return this.#list.has(headerName(name, 'Headers.has').toLowerCase())
  }

  set(name: string, value: string): void {
    requireArguments(arguments.length, 2, 'Headers.set')
    const [checkedName, checkedValue] = headerPair(name, value, 'Headers.set')
    const key = checkedName.toLowerCase()
    const entry = this.#list.get(key)
    if (entry) entry.values = [checkedValue]
    else this.#list.set(key, {name: checkedName, values: [checkedValue]})
    this.#sorted = undefined
  }

  forEach(callback: (value: string, name: string, headers: LightHeaders) => void, thisArg?: unknown): void {
    requireArguments(arguments.length, 1, 'Headers.forEach')
    if (typeof callback !== 'function') {
      throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.")
    }
    for (const [name, value] of this) callback.call(thisArg, value, name, this)
  }

  keys(): IterableIterator<string> {
    return this.#iterate((pair) => pair[0])
  }

  values(): IterableIterator<string> {
    return this.#iterate((pair) => pair[1])
  }

  entries(): IterableIterator<[string, string]> {
    return this.#iterate((pair) => [pair[0], pair[1]])
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'Headers'
  }

  /** What util.inspect shows for undici's Headers: names as given, values combined. */
  [Symbol.for('nodejs.util.inspect.custom')](
    depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    const record: Record<string, string> = {}
    for (const entry of this.#list.values()) record[entry.name] = entry.values.join(', ')
    return `Headers ${inspect(record, options)}`
  }

  #append(name: unknown, value: unknown, context: string): void {
    const [checkedName, checkedValue] = headerPair(name, value, context)
    const key = checkedName.toLowerCase()
    const entry = this.#list.get(key)
    if (entry) entry.values.push(checkedValue)
    else this.#list.set(key, {name: checkedName, values: [checkedValue]})
    this.#sorted = undefined
  }

  /** The standard's "sort and combine": sorted lower-case names, values joined, each Set-Cookie on its own. */
  #pairs(): [string, string][] {
    if (this.#sorted) return this.#sorted
    const pairs: [string, string][] = []
    for (const key of [...this.#list.keys()].sort()) {
      const {values} = this.#list.get(key)!
      if (key === 'set-cookie') for (const value of values) pairs.push([key, value])
      else pairs.push([key, values.join(', ')])
    }
    this.#sorted = pairs
    return pairs
  }

  /** Live, like undici's: each step reads the current list (a header appended while iterating is visited). */
  #iterate<T>(pick: (pair: [string, string]) => T): IterableIterator<T> {
    let index = 0
    const next = (): IteratorResult<T> => {
      const pairs = this.#pairs()
      if (index >= pairs.length) return {done: true, value: undefined}
      return {done: false, value: pick(pairs[index++])}
    }
    return {
      next,
      [Symbol.iterator]() {
        return this
      },
      [Symbol.toStringTag]: 'Headers Iterator',
    } as IterableIterator<T>
  }
}
