import {clearLine, cursorTo, moveCursor} from 'node:readline'
import {PassThrough, Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {collectPages, listing} from '../../src/lib/core/listing.js'
import type {IO} from '../../src/lib/core/io.js'
import {parseSize} from '../../src/lib/core/size.js'
import {render} from '../../src/lib/output/format.js'
import {Progress, progressMode} from '../../src/lib/ux/progress.js'

class Out extends PassThrough {
  chunks: Buffer[] = []
  constructor(readonly isTTY?: boolean) {
    super()
    this.on('data', (chunk: Buffer) => this.chunks.push(chunk))
  }
  text() {
    return Buffer.concat(this.chunks).toString('utf8')
  }
  // What a tty.WriteStream has and ora uses.
  columns = 80
  clearLine(dir: -1 | 0 | 1) {
    return clearLine(this, dir)
  }
  cursorTo(x: number, y?: number) {
    return cursorTo(this, x, y)
  }
  moveCursor(dx: number, dy: number) {
    return moveCursor(this, dx, dy)
  }
}

const io = (stderrTTY: boolean, stdoutTTY = false) =>
  ({env: {}, stderr: new Out(stderrTTY), stdin: Readable.from([]), stdout: new Out(stdoutTTY)}) as IO & {stderr: Out}

describe('progress', () => {
  it('picks the mode from stderr, --quiet and --json piped', () => {
    expect(progressMode(io(true), {})).toBe('tty')
    expect(progressMode(io(false), {})).toBe('lines')
    expect(progressMode(io(true), {quiet: true})).toBe('off')
    expect(progressMode(io(true, false), {json: true})).toBe('off')
    expect(progressMode(io(true, true), {json: true})).toBe('tty')
  })

  it('in a pipe, status lines are printed once per change and bars draw nothing', async () => {
    const out = io(false)
    const progress = new Progress(out, {})
    const bar = await progress.items('requests', 10)
    bar.update(5)
    bar.stop()
    progress.status('batch_1 validating')
    progress.status('batch_1 validating')
    progress.status('batch_1 in_progress 5/10')
    expect(out.stderr.text()).toBe('batch_1 validating\nbatch_1 in_progress 5/10\n')
  })

  it('--quiet prints nothing at all', async () => {
    const out = io(true)
    const progress = new Progress(out, {quiet: true})
    progress.status('x')
    const bar = await progress.bytes('up', 10)
    bar.update(10)
    bar.stop()
    await progress.whileWaiting('wait', () => new Promise((done) => setTimeout(done, 350)))
    expect(out.stderr.text()).toBe('')
  })

  it('on a TTY a bytes bar draws on stderr and is cleared when stopped', async () => {
    const out = io(true)
    const bar = await new Progress(out, {}).bytes('file.jsonl', 2_000_000)
    bar.update(1_000_000)
    bar.stop()
    const drawn = out.stderr.text()
    expect(drawn).toContain('file.jsonl [')
    expect(drawn).toContain('/ 2.0 MB')
    expect((out.stdout as Out).text()).toBe('')
  })

  it('a spinner appears only for waits over 300 ms', async () => {
    const fast = io(true)
    await new Progress(fast, {}).whileWaiting('Loading', () => Promise.resolve())
    expect(fast.stderr.text()).toBe('')
    await import('ora') // loaded once, so the 500 ms wait is not spent importing it
    const slow = io(true)
    await new Progress(slow, {}).whileWaiting('Loading', () => new Promise((done) => setTimeout(done, 500)))
    expect(slow.stderr.text()).toContain('Loading')
  })
})

interface Item {
  id: string
  kind: string
}
const PAGE = {
  data: [
    {id: 'c', kind: 'x'},
    {id: 'a', kind: 'y'},
    {id: 'b', kind: 'x'},
  ] as Item[],
  object: 'list',
}
const COLUMNS = [
  {header: 'id', value: (item: Item) => item.id},
  {header: 'kind', value: (item: Item) => item.kind},
]

describe('listing', () => {
  it('filters, sorts and limits; json prints the API object with data narrowed', async () => {
    const result = listing(PAGE, {
      columns: COLUMNS,
      filters: [(item) => item.kind === 'x', undefined],
      limit: 1,
      sort: (a, b) => a.id.localeCompare(b.id),
    })
    expect(await render(result, {color: false, format: 'plain', stdoutIsTTY: false})).toBe('b\tx\n')
    expect(await render(result, {color: false, format: 'json', stdoutIsTTY: false})).toBe(
      '{"data":[{"id":"b","kind":"x"}],"object":"list"}\n',
    )
    expect(await render(result, {color: false, format: 'ndjson', stdoutIsTTY: false})).toBe('{"id":"b","kind":"x"}\n')
    expect(await render(result, {color: false, format: 'table', stdoutIsTTY: true})).toBe('ID  KIND\nb   x\n')
  })

  it('without filters or a limit, json is the API object itself', () => {
    expect(listing(PAGE, {columns: COLUMNS}).data).toBe(PAGE)
  })

  it('collectPages follows after/has_more cursors and stops at the limit', async () => {
    const pages: Record<string, {data: Item[]; has_more: boolean}> = {
      '': {data: [PAGE.data[0]], has_more: true},
      c: {data: [PAGE.data[1]], has_more: true},
      a: {data: [PAGE.data[2]], has_more: false},
    }
    const asked: Array<string | undefined> = []
    const all = await collectPages<Item>(async ({after}) => {
      asked.push(after)
      return pages[after ?? '']
    })
    expect(asked).toEqual([undefined, 'c', 'a'])
    expect(all.data.map((item) => item.id)).toEqual(['c', 'a', 'b'])
    expect(all.has_more).toBe(false)
    asked.length = 0
    const two = await collectPages<Item>(
      async ({after}) => {
        asked.push(after)
        return pages[after ?? '']
      },
      {limit: 2},
    )
    expect(two.data.map((item) => item.id)).toEqual(['c', 'a'])
    expect(asked).toEqual([undefined, 'c'])
  })
})

describe('parseSize', () => {
  it('reads decimal and binary units, refuses nonsense', () => {
    expect(parseSize('100MB', 'files.max_size')).toBe(100_000_000)
    expect(parseSize('1GiB', 'x')).toBe(2 ** 30)
    expect(parseSize('512 kb', 'x')).toBe(512_000)
    expect(parseSize('42', 'x')).toBe(42)
    expect(() => parseSize('lots', 'files.max_size')).toThrow('files.max_size: "lots" is not a size')
  })
})
