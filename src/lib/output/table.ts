import {createRequire} from 'node:module'

/**
 * The table layout: columns side by side, each as wide as its widest cell, two spaces between them, no trailing
 * spaces; the header row bold when colour is on. This is what the `table` package drew with void borders, written
 * for the one layout we use: `table` took seconds and hundreds of MB for 10,000 rows (bench/scale.mjs), this takes
 * a few ms. Cells are measured as `table` measured them (string-width 4, which it used, loaded only for a cell that
 * is not plain ASCII), so the output is the same byte for byte: test/unit/table-layout.test.ts compares the two.
 *
 * With a terminal width, a table wider than the terminal is narrowed to fit: the widest columns are cut first, down
 * to the width where the rest fit (their cells end in an ellipsis), so each row stays one line. Without one (a pipe,
 * a file) nothing is cut.
 */

export interface TableOptions {
  /** Cells shown bold (ANSI SGR 1): the header row's, or the first column's (the keys of key/value rows). */
  bold?: 'header' | 'keys'
  /** The header row, if any, and the data rows: cells already as text. */
  header?: string[]
  rows: string[][]
  /** The terminal's width in columns; undefined: never cut. */
  width?: number
}

const GAP = 2
/** Columns are never narrowed below this (unless narrower already): a cell cut shorter says little. */
const MIN_CUT = 6
const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/
// Control characters would move the cursor or recolour the terminal; tabs and line breaks would break the layout.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g

/** A data cell made safe for a terminal: line breaks and tabs as spaces, other control characters as U+FFFD. */
export function tableCell(text: string): string {
  return PRINTABLE_ASCII.test(text)
    ? text
    : text.replaceAll(CONTROL, (char) => ('\t\n\r'.includes(char) ? ' ' : '\uFFFD'))
}

const require = createRequire(import.meta.url)
let stringWidth: ((text: string) => number) | undefined

const widthOf = (text: string): number =>
  PRINTABLE_ASCII.test(text) ? text.length : (stringWidth ??= require('string-width') as (text: string) => number)(text)

/** `text` cut to `width` columns, its last column an ellipsis (whole code points only). */
function cut(text: string, width: number): string {
  if (PRINTABLE_ASCII.test(text)) return text.slice(0, Math.max(width - 1, 0)) + '…'
  let end = 0
  for (const char of text) {
    if (widthOf(text.slice(0, end + char.length)) > width - 1) break
    end += char.length
  }
  return text.slice(0, end) + '…'
}

/** The widths each column gets: its widest cell, or less when the table is wider than `width`. */
function columnWidths(natural: number[], width: number | undefined): number[] {
  if (width === undefined) return natural
  const budget = width - GAP * (natural.length - 1)
  if (natural.reduce((sum, w) => sum + w, 0) <= budget) return natural
  // The largest cap that fits: every column wider than it is cut to it.
  const fits = (cap: number) => natural.reduce((sum, w) => sum + Math.min(w, cap), 0) <= budget
  let low = MIN_CUT
  let high = Math.max(...natural)
  if (!fits(low)) return natural.map((w) => Math.min(w, MIN_CUT))
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (fits(middle)) low = middle
    else high = middle - 1
  }
  return natural.map((w) => Math.min(w, low))
}

export function layoutTable(options: TableOptions): string {
  const {header, rows} = options
  const all = header ? [header, ...rows] : rows
  if (all.length === 0) return ''
  const count = all[0].length
  const cellWidths = all.map((row) => row.map(widthOf))
  const natural = new Array<number>(count).fill(0)
  for (const row of cellWidths) {
    for (let column = 0; column < count; column++) natural[column] = Math.max(natural[column], row[column])
  }
  const widths = columnWidths(natural, options.width)
  const lines = all.map((row, index) => {
    let line = ''
    for (let column = 0; column < count; column++) {
      let cell = row[column]
      let width = cellWidths[index][column]
      if (width > widths[column]) {
        cell = cut(cell, widths[column])
        width = widthOf(cell)
      }
      if (options.bold === 'header' ? header !== undefined && index === 0 : options.bold === 'keys' && column === 0) {
        cell = `\u001B[1m${cell}\u001B[22m`
      }
      line += cell + ' '.repeat(widths[column] - width + GAP)
    }
    return line.trimEnd()
  })
  return lines.join('\n') + '\n'
}
