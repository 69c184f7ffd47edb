import {describe, expect, it} from 'vitest'

import {parseDuration} from '../../src/lib/core/duration.js'
import {describeError, UsageError} from '../../src/lib/core/errors.js'
import {defaultFormat, render} from '../../src/lib/output/format.js'
import {list, object, text} from '../../src/lib/output/types.js'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['45', 45_000],
    ['1.5s', 1500],
  ])('%s is %i ms', (input, ms) => {
    expect(parseDuration(input, '--timeout')).toBe(ms)
  })

  it.each(['', 'soon', '10x', '-1s', '0', '0ms'])('refuses %j naming the flag', (input) => {
    expect(() => parseDuration(input, '--timeout')).toThrow(UsageError)
    expect(() => parseDuration(input, '--timeout')).toThrow(/^--timeout: /)
  })
})

describe('describeError', () => {
  it('maps usage errors to 2 and unknown errors to 1', () => {
    expect(describeError(new UsageError('bad'))).toEqual({exitCode: 2, message: 'bad'})
    expect(describeError(new Error('boom'))).toEqual({exitCode: 1, message: 'boom'})
  })

  it('treats oclif parse errors as usage errors', () => {
    const error = Object.assign(new Error('Unexpected argument: x\nSee more help with --help'), {oclif: {exit: 2}})
    expect(describeError(error)).toEqual({exitCode: 2, message: 'Unexpected argument: x See more help with --help'})
  })
})

describe('render', () => {
  const rows = [
    {bytes: 1_234_567, id: 'a\tb', when: 1_700_000_000},
    {bytes: 12, id: 'c', when: null},
  ]
  const result = list({data: rows, object: 'list'}, rows, [
    {header: 'id', value: (row: (typeof rows)[number]) => row.id},
    {header: 'size', humanize: 'bytes', value: (row: (typeof rows)[number]) => row.bytes},
    {header: 'when', humanize: 'date', value: (row: (typeof rows)[number]) => row.when},
  ])

  it('plain: raw values, tab-separated, no header, tabs inside cells flattened', async () => {
    expect(await render(result, {color: false, format: 'plain', stdoutIsTTY: false})).toBe(
      'a b\t1234567\t1700000000\nc\t12\t\n',
    )
  })

  it('table: header and human values', async () => {
    expect(await render(result, {color: false, format: 'table', stdoutIsTTY: true})).toBe(
      'ID   SIZE    WHEN (UTC)\na b  1.2 MB  2023-11-14 22:13\nc    12 B\n',
    )
  })

  it('table: bold headers only with colour', async () => {
    expect(await render(result, {color: true, format: 'table', stdoutIsTTY: true})).toContain('\u001B[1mID\u001B[22m')
  })

  it('json: the API object, pretty on a TTY, compact when piped', async () => {
    expect(await render(result, {color: false, format: 'json', stdoutIsTTY: false})).toBe(
      JSON.stringify({data: rows, object: 'list'}) + '\n',
    )
    expect(await render(result, {color: false, format: 'json', stdoutIsTTY: true})).toBe(
      JSON.stringify({data: rows, object: 'list'}, null, 2) + '\n',
    )
  })

  it('ndjson: one item per line; one line for an object', async () => {
    expect(await render(result, {color: false, format: 'ndjson', stdoutIsTTY: false})).toBe(
      rows.map((row) => JSON.stringify(row)).join('\n') + '\n',
    )
    const single = object({id: 'x'}, [{header: 'id', value: (o: {id: string}) => o.id}])
    expect(await render(single, {color: false, format: 'ndjson', stdoutIsTTY: false})).toBe('{"id":"x"}\n')
  })

  it('text: the text with exactly one trailing newline; json prints the data', async () => {
    expect(await render(text({id: 'x'}, 'hello'), {color: false, format: 'plain', stdoutIsTTY: false})).toBe('hello\n')
    expect(await render(text({id: 'x'}, 'hello\n'), {color: false, format: 'plain', stdoutIsTTY: false})).toBe(
      'hello\n',
    )
    expect(await render(text({id: 'x'}, 'hello'), {color: false, format: 'json', stdoutIsTTY: false})).toBe(
      '{"id":"x"}\n',
    )
  })

  it('an empty list prints nothing in plain and table', async () => {
    const empty = list({data: []}, [], [{header: 'id', value: () => 1}])
    expect(await render(empty, {color: false, format: 'table', stdoutIsTTY: true})).toBe('')
    expect(await render(empty, {color: false, format: 'plain', stdoutIsTTY: false})).toBe('')
  })

  it('defaults: table on a TTY, plain when piped, the chosen format otherwise', () => {
    expect(defaultFormat(undefined, true)).toBe('table')
    expect(defaultFormat(undefined, false)).toBe('plain')
    expect(defaultFormat('ndjson', true)).toBe('ndjson')
  })
})
