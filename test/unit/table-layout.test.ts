/**
 * The table layout (src/lib/output/table.ts) against the `table` package it replaced: the same text, byte for byte,
 * for every kind of cell a list shows (ASCII, accents, CJK, emoji, empty cells, a bold header), for lists and
 * key/value objects; then what `table` never did: narrowing to the terminal's width, control characters.
 */
import {getBorderCharacters, table} from 'table'
import {describe, expect, it} from 'vitest'

import {render} from '../../src/lib/output/format.js'
import {type Column, list, object} from '../../src/lib/output/types.js'

/** What format.ts printed before: the `table` package with void borders, lines trimmed. */
function tablePackage(rows: string[][]): string {
  return table(rows, {
    border: getBorderCharacters('void'),
    columnDefault: {paddingLeft: 0, paddingRight: 2},
    drawHorizontalLine: () => false,
  })
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line, index, lines) => line !== '' || index < lines.length - 1)
    .join('\n')
    .concat('\n')
}

const bold = (text: string) => `\u001B[1m${text}\u001B[22m`

interface Row {
  id: string
  name: null | string
  size: number
  when: number
}

const COLUMNS: Column<Row>[] = [
  {header: 'id', value: (row) => row.id},
  {header: 'name', value: (row) => row.name},
  {header: 'bytes', humanize: 'bytes', value: (row) => row.size},
  {header: 'created', humanize: 'date', value: (row) => row.when},
]

const CELLS = [
  'file_01jh8x6r4ffe6tmvm9xhd6s9vz',
  '',
  'naïve café',
  'Ünïcödé ñ',
  '日本語のファイル',
  '한국어',
  'emoji 😀 here',
  'rocket 🚀',
  'mixed 中文 and ASCII',
  'a',
  '  spaced  ',
]

const ROWS: Row[] = CELLS.map((name, index) => ({
  id: CELLS[(index + 3) % CELLS.length] || 'x',
  name: index % 4 === 1 ? null : name,
  size: index * 123_457,
  when: 1_700_000_000 + index * 86_400,
}))

describe('table layout', () => {
  for (const color of [false, true]) {
    it(`a list prints as the table package printed it (${color ? 'colour' : 'no colour'})`, async () => {
      const result = list(ROWS, ROWS, COLUMNS)
      const expected = tablePackage([
        // Dates say their time zone in the header.
        COLUMNS.map((column) => {
          const header = (column.humanize === 'date' ? `${column.header} (UTC)` : column.header).toUpperCase()
          return color ? bold(header) : header
        }),
        ...ROWS.map((row) => [row.id, row.name ?? '', bytes(row.size), date(row.when)]),
      ])
      expect(await render(result, {color, format: 'table', stdoutIsTTY: true})).toBe(expected)
      // A width the table fits in changes nothing.
      expect(await render(result, {color, format: 'table', stdoutIsTTY: true, width: 200})).toBe(expected)
    })

    it(`an object prints as key/value rows as before (${color ? 'colour' : 'no colour'})`, async () => {
      const row = ROWS[4]
      const result = object(row, COLUMNS)
      const rows = [
        [color ? bold('id') : 'id', row.id],
        [color ? bold('name') : 'name', row.name ?? ''],
        [color ? bold('bytes') : 'bytes', bytes(row.size)],
        [color ? bold('created (UTC)') : 'created (UTC)', date(row.when)],
      ]
      expect(await render(result, {color, format: 'table', stdoutIsTTY: true})).toBe(tablePackage(rows))
    })
  }

  it('wider than the terminal: the widest columns are cut to fit, with an ellipsis; narrow ones stay whole', async () => {
    const rows = [
      {id: 'file_01jh8x6r4ffe6tmvm9xhd6s9vz', name: 'a-rather-long-file-name-for-a-batch.jsonl', size: 1, when: 0},
      {id: 'file_2', name: '日本語のファイル名はとても長いです', size: 12_345, when: 86_400},
    ]
    const text = await render(list(rows, rows, COLUMNS), {color: false, format: 'table', stdoutIsTTY: true, width: 60})
    expect(text).toBe(
      [
        'ID                NAME              BYTES  CREATED (UTC)',
        'file_01jh8x6r4f…  a-rather-long-f…  1 B    1970-01-01 00:00',
        'file_2            日本語のファイ…   12 kB  1970-01-02 00:00',
        '',
      ].join('\n'),
    )
    for (const line of text.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(60)
    // Piped (no terminal), nothing is cut.
    const piped = await render(list(rows, rows, COLUMNS), {
      color: false,
      format: 'table',
      stdoutIsTTY: false,
      width: 60,
    })
    expect(piped).toContain('a-rather-long-file-name-for-a-batch.jsonl')
  })

  it('a terminal too narrow for any useful cut: columns are cut to six columns and the lines run over', async () => {
    const rows = [{id: 'abcdefghijklmnop', name: 'qrstuvwxyz0123', size: 1, when: 0}]
    expect(
      await render(list(rows, rows, COLUMNS.slice(0, 2)), {
        color: true,
        format: 'table',
        stdoutIsTTY: true,
        width: 10,
      }),
    ).toBe(`${bold('ID')}      ${bold('NAME')}\nabcde…  qrstu…\n`)
  })

  it('control characters in data cannot reach the terminal: tabs and breaks as spaces, the rest as U+FFFD', async () => {
    const rows = [{id: 'a\u0007b\u001B[31mred', name: 'x\ty', size: 1, when: 0}]
    const columns: Column<Row>[] = [
      {header: 'id', humanize: 'number', value: (row) => row.id}, // 'number' passes a string through unchanged
      {header: 'name', value: (row) => row.name},
    ]
    expect(await render(list(rows, rows, columns), {color: false, format: 'table', stdoutIsTTY: true})).toBe(
      'ID           NAME\na\uFFFDb\uFFFD[31mred  x y\n',
    )
  })

  it('cells of one kind each, one column: the same widths as the table package', async () => {
    for (const cell of CELLS) {
      const rows = [{id: cell, name: 'x', size: 1, when: 0}]
      const result = list(rows, rows, COLUMNS.slice(0, 2))
      expect(await render(result, {color: false, format: 'table', stdoutIsTTY: true}), cell).toBe(
        tablePackage([
          ['ID', 'NAME'],
          [cell, 'x'],
        ]),
      )
    }
  })
})

/** format.ts's humanize 'bytes' and 'date', written out so the expected text does not come from the code under test. */
function bytes(size: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = size
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

const date = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')
