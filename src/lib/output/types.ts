/** How a value is shown in table mode; plain, json and ndjson always print the raw value. */
export type Humanize = 'bool' | 'bytes' | 'date' | 'number'

export interface Column<T> {
  header: string
  humanize?: Humanize
  /** In table mode, cut the cell to this many characters, ending in …; plain and json keep it whole. */
  truncate?: number
  value(item: T): unknown
}

/** A list: `data` is the API's own object (printed as-is for --json), `items` its rows. */
export interface ListResult<T> {
  columns: Column<T>[]
  data: unknown
  items: T[]
  kind: 'list'
}

/** One object: json prints `data`; table and plain print the declared fields as key/value rows. */
export interface ObjectResult<T> {
  data: T
  fields: Column<T>[]
  kind: 'object'
}

/** A text answer: plain and table print `text`; json prints `data`. */
export interface TextResult {
  data: unknown
  kind: 'text'
  text: string
}

export type Result = ListResult<any> | ObjectResult<any> | TextResult // eslint-disable-line @typescript-eslint/no-explicit-any

export const list = <T>(data: unknown, items: T[], columns: Column<T>[]): ListResult<T> => ({
  columns,
  data,
  items,
  kind: 'list',
})
export const object = <T>(data: T, fields: Column<T>[]): ObjectResult<T> => ({data, fields, kind: 'object'})
export const text = (data: unknown, textValue: string): TextResult => ({data, kind: 'text', text: textValue})
