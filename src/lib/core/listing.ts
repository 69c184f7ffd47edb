import {Flags} from './oclif.js'

import {type Column, list, type ListResult} from '../output/types.js'

/**
 * The list-command helper: `--limit`, client-side filters and sort over an API list object, rendered by the one
 * formatter in its four modes (table on a TTY, tab-separated rows piped, `--json` the API's object with `data`
 * narrowed to what is shown, `-o ndjson` one item per line). `collectPages` is the seam for cursor pagination
 * (`after`/`limit`, OpenAI-style `has_more`/`last_id`) for endpoints that page; Groq's list endpoints answer in
 * one page today.
 */

export const limitFlag = (description = 'show at most N items') => Flags.integer({description, helpValue: 'N', min: 1})

/** An API list object: `{object: "list", data: [...]}`, with OpenAI-style cursor fields when it pages. */
export interface ListPage<T> {
  data: T[]
  has_more?: boolean
  last_id?: null | string
  object?: string
  [field: string]: unknown
}

export interface ListingOptions<T> {
  columns: Column<T>[]
  /** Client-side filters; `undefined` or `false` entries (a flag not given) are skipped. */
  filters?: Array<((item: T) => boolean) | false | undefined>
  limit?: number
  /** Row order for every mode (the API's order when absent). */
  sort?: (a: T, b: T) => number
}

/** The ListResult of an API list: filtered, sorted, limited; `--json` prints the same object with `data` narrowed. */
export function listing<T>(page: ListPage<T>, options: ListingOptions<T>): ListResult<T> {
  const filters = (options.filters ?? []).filter((filter): filter is (item: T) => boolean => Boolean(filter))
  let items = filters.length > 0 ? page.data.filter((item) => filters.every((keep) => keep(item))) : [...page.data]
  if (options.sort) items.sort(options.sort)
  if (options.limit !== undefined) items = items.slice(0, options.limit)
  if (items.length === page.data.length) return list(page, items, options.columns)
  // --json keeps the API's own object and order, with only the items shown.
  const shown = new Set(items)
  return list({...page, data: page.data.filter((item) => shown.has(item))}, items, options.columns)
}

/** Compares by a string key, by code unit (stable across locales, like `sort` in C). */
export const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number => {
    const [x, y] = [key(a), key(b)]
    return x < y ? -1 : x > y ? 1 : 0
  }

export interface PageRequest {
  after?: string
  limit?: number
}

export interface CollectOptions<T> {
  /** Stop once this many items (after `filter`) are collected. */
  limit?: number
  /** Page size to ask for (default: the server's). */
  pageSize?: number
  filter?: (item: T) => boolean
  /** The cursor of an item, when the page has no `last_id` (default: `item.id`). */
  idOf?: (item: T) => string
  /** Safety stop against a server that never says `has_more: false` (default 1000 pages). */
  maxPages?: number
}

/**
 * Fetches pages until the server says there are no more (`has_more` false or absent, or an empty page) or
 * `limit` items are collected, and returns one list object: the first page's fields with every item in `data`.
 */
export async function collectPages<T>(
  fetchPage: (request: PageRequest) => Promise<ListPage<T>>,
  options: CollectOptions<T> = {},
): Promise<ListPage<T>> {
  const idOf = options.idOf ?? ((item: T) => String((item as {id?: unknown}).id))
  const data: T[] = []
  let first: ListPage<T> | undefined
  let after: string | undefined
  for (let pageIndex = 0; pageIndex < (options.maxPages ?? 1000); pageIndex++) {
    const page = await fetchPage({after, limit: options.pageSize})
    first ??= page
    for (const item of page.data) {
      if (options.filter && !options.filter(item)) continue
      data.push(item)
      if (options.limit !== undefined && data.length >= options.limit) return {...first, data, has_more: true}
    }
    if (!page.has_more || page.data.length === 0) break
    after = page.last_id ?? idOf(page.data.at(-1)!)
  }
  return {...(first ?? {object: 'list'}), data, has_more: false}
}
