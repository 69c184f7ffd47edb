import {UsageError} from '../core/errors.js'
import {isObject, parseKeyValue, readFileValue} from '../core/flag-values.js'
import type {Part} from '../transfer/index.js'

/**
 * `groq api` fields, as `gh api` has them: `-f key=value` is always a string; `-F key=value` is typed (true,
 * false, null and numbers become JSON values, `@path` the file's text, `@-` stdin). Keys may nest:
 * `a[b]=1` sets {"a": {"b": 1}}, `a[]=x` appends to an array.
 */

export interface FieldInput {
  /** `-f` (raw) or `-F` (typed), in command-line order. */
  kind: 'raw' | 'typed'
  entry: string
}

/** A file to send as a multipart part (`-F name=@path` with --form). */
export interface FileField {
  name: string
  path: string
}

export interface ParsedField {
  key: string
  /** JSON value for a body or query; a FileField for a multipart file part. */
  value: unknown
  file?: FileField
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/

/** Parses every field; `@path` is read now (or kept as a file part with `form`), so a bad file fails first. */
export function parseFields(
  inputs: FieldInput[],
  options: {form?: boolean; readStdin?: () => string} = {},
): ParsedField[] {
  let stdinUsed = false
  return inputs.map(({entry, kind}) => {
    const flag = kind === 'raw' ? '-f' : '-F'
    const [key, raw] = parseKeyValue(flag, entry)
    keyPath(flag, key)
    if (kind === 'raw') return {key, value: raw}
    if (raw.startsWith('@')) {
      const path = raw.slice(1)
      if (path === '-') {
        if (stdinUsed) throw new UsageError(`${flag} ${key}=@-: stdin can be read only once`)
        stdinUsed = true
        if (!options.readStdin) throw new UsageError(`${flag} ${key}=@-: stdin is a terminal`)
        return {key, value: options.readStdin()}
      }
      if (path === '') throw new UsageError(`${flag} ${key}=@: name a file after @`)
      if (options.form) return {file: {name: key, path}, key, value: undefined}
      return {key, value: readFileValue(`${flag} ${key}`, path).toString('utf8')}
    }
    return {key, value: typedValue(raw)}
  })
}

function typedValue(raw: string): unknown {
  if (raw === 'true') return true
  if (raw === 'false') return false
  if (raw === 'null') return null
  if (NUMBER.test(raw)) {
    const value = Number(raw)
    if (Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))) return value
  }
  return raw
}

/** `a[b][]` → ['a', 'b', '']; '' means "an array element". */
function keyPath(flag: string, key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
  if (!match) throw new UsageError(`${flag}: "${key}" is not a valid key (use name, name[sub] or name[])`)
  const parts = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1])]
  if (parts.some((part) => part === '__proto__' || part === 'constructor' || part === 'prototype')) {
    throw new UsageError(`${flag}: "${key}" is not a valid key`)
  }
  if (parts.some((part, index) => part === '' && parts[index + 1] === '')) {
    throw new UsageError(`${flag}: "${key}": arrays of arrays ([][]) are not supported; use --input`)
  }
  return parts
}

/**
 * Builds the JSON object the fields describe. As in gh, `a[][k]=v` fills the array's last object while it lacks
 * `k`, else starts a new one: `-f 'm[][role]=user' -f 'm[][content]=hi'` is one message.
 */
export function fieldsToObject(fields: ParsedField[]): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const {key, value} of fields) {
    const path = keyPath('-F', key)
    let container: Record<string, unknown> | unknown[] = root
    for (let index = 0; index < path.length; index++) {
      const part = path[index]
      const next = path[index + 1]
      const last = index === path.length - 1
      if (Array.isArray(container)) {
        // part is '' here: an element of the array.
        if (last) {
          container.push(value)
          break
        }
        const tail = container.at(-1)
        if (isObject(tail) && !(next in tail)) container = tail
        else {
          const fresh = {}
          container.push(fresh)
          container = fresh
        }
        continue
      }
      if (last) {
        container[part] = value
        break
      }
      const wantArray = next === ''
      if (wantArray ? !Array.isArray(container[part]) : !isObject(container[part]))
        container[part] = wantArray ? [] : {}
      container = container[part] as Record<string, unknown> | unknown[]
    }
  }
  return root
}

/** Multipart parts, names as given (`timestamp_granularities[]` is how form arrays are spelled). */
export function fieldsToParts(fields: ParsedField[]): Part[] {
  return fields.map(({file, key, value}) =>
    file ? {name: key, path: file.path} : {name: key, value: typeof value === 'string' ? value : JSON.stringify(value)},
  )
}

/** Query parameters: every value as text (objects as JSON). */
export function fieldsToQuery(fields: ParsedField[]): Record<string, string> {
  const query: Record<string, string> = {}
  for (const {key, value} of fields) query[key] = typeof value === 'string' ? value : JSON.stringify(value)
  return query
}
