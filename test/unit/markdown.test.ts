import {beforeAll, describe, expect, it} from 'vitest'

import {stripAnsi, visibleWidth, wrapAnsi} from '../../src/lib/ux/ansi.js'
import {loadMarkdown, MarkdownStream} from '../../src/lib/ux/markdown.js'

/** Feeds `text` in pieces of `size` characters; returns every push's output and the whole. */
function stream(text: string, options: {color?: boolean; size?: number; width?: number} = {}) {
  const md = new MarkdownStream({color: options.color ?? false, width: options.width ?? 60})
  const size = options.size ?? 3
  const outputs: string[] = []
  for (let index = 0; index < text.length; index += size) outputs.push(md.push(text.slice(index, index + size)))
  outputs.push(md.end())
  return {outputs, text: outputs.join('')}
}

const ANSWER = [
  '# Plan',
  '',
  'Do **three** things, then run `make`:',
  '',
  '- fetch the [docs](https://example.com/docs)',
  '- read them',
  '  - twice',
  '1. build',
  '2. test',
  '',
  '```python',
  'def greet(name):',
  '    return f"hi {name}"',
  '```',
  '',
  '> Quoted *advice*',
  '',
  '| name | size |',
  '|------|-----:|',
  '| a    | 1    |',
  '| bb   | 22   |',
  '',
  '---',
  'Done &amp; dusted.',
  '',
  '',
].join('\n')

beforeAll(() => loadMarkdown())

describe('MarkdownStream without colour', () => {
  it('renders each kind of block, keeping the markers that carry meaning', () => {
    expect(stream(ANSWER).text).toBe(
      [
        '# Plan',
        '',
        'Do three things, then run `make`:',
        '',
        '• fetch the docs (https://example.com/docs)',
        '• read them',
        '  • twice',
        '1. build',
        '2. test',
        '',
        '```python',
        'def greet(name):',
        '    return f"hi {name}"',
        '```',
        '',
        '│ Quoted advice',
        '',
        'name │ size',
        '─────┼─────',
        'a    │    1',
        'bb   │   22',
        '',
        '─'.repeat(60),
        'Done & dusted.',
        '',
      ].join('\n'),
    )
  })

  it('gives the same screen however the stream is cut', () => {
    const whole = stream(ANSWER, {size: ANSWER.length}).text
    for (const size of [1, 2, 7, 13]) expect(stream(ANSWER, {size}).text).toBe(whole)
  })

  it('prints a line as soon as it ends, and nothing of a line before', () => {
    const md = new MarkdownStream({color: false, width: 60})
    expect(md.push('# Pl')).toBe('')
    expect(md.push('an\nFirst para')).toBe('# Plan\n')
    expect(md.push('graph.\n')).toBe('First paragraph.\n')
    expect(md.end()).toBe('')
  })

  it('shows an open code fence line by line, before it closes', () => {
    const md = new MarkdownStream({color: false, width: 60})
    expect(md.push('```sh\nls -l\n')).toBe('```sh\nls -l\n')
    expect(md.push('\necho hi\n')).toBe('\necho hi\n')
    // A cut answer ends with what it had; the fence is never closed for it.
    expect(md.push('tail')).toBe('')
    expect(md.end()).toBe('tail\n')
  })

  it('holds a table until its last row, and a lone pipe line is a paragraph', () => {
    const md = new MarkdownStream({color: false, width: 60})
    expect(md.push('| a | b |\n|---|---|\n| 1 | 2 |\n')).toBe('')
    expect(md.push('after\n')).toBe('a │ b\n──┼──\n1 │ 2\nafter\n')
    expect(stream('| not a table |\ntext\n').text).toBe('| not a table |\ntext\n')
  })

  it('wraps paragraphs and list items to the width, with a hanging indent', () => {
    const text = stream('- one two three four five six seven\n', {width: 20}).text
    expect(text).toBe('• one two three four\n  five six seven\n')
    for (const line of stream(ANSWER, {width: 24}).text.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(24)
  })

  it('never prints trailing blank lines, nor leading ones', () => {
    expect(stream('\n\nhi\n\n\n').text).toBe('hi\n')
  })

  it('narrows a table that is wider than the screen, wrapping inside cells', () => {
    const wide = `| col | text |\n|---|---|\n| 1 | ${'word '.repeat(12).trim()} |\n`
    const lines = stream(wide, {width: 30}).text.trimEnd().split('\n')
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(30)
    expect(lines.length).toBeGreaterThan(3)
    expect(lines[0]).toBe('col │ text')
  })
})

describe('MarkdownStream with colour', () => {
  it('styles inline markdown with SGR codes that each line closes', () => {
    const {text} = stream('Some *em*, **bold**, `code`, ~~gone~~ and [a link](https://x.dev).\n', {color: true})
    expect(text).toBe(
      'Some \u001B[3mem\u001B[23m, \u001B[1mbold\u001B[22m, \u001B[36mcode\u001B[39m, \u001B[9mgone\u001B[29m and ' +
        '\u001B[4;34ma link\u001B[24;39m \u001B[2m(https://x.dev)\u001B[22m.\n',
    )
  })

  it('highlights code by the fence language, carrying a multi-line comment across lines', () => {
    const {text} = stream('```js\nconst x = 1 /* a\nb */\n```\n', {color: true})
    expect(text.split('\n')).toEqual([
      '\u001B[2m```js\u001B[22m',
      '\u001B[35mconst\u001B[39m x = \u001B[33m1\u001B[39m \u001B[90m/* a\u001B[39m',
      '\u001B[90mb */\u001B[39m',
      '\u001B[2m```\u001B[22m',
      '',
    ])
  })

  it('leaves code in an unknown language uncoloured', () => {
    expect(stream('```nosuchlang\nx = 1\n```\n', {color: true}).text).toBe(
      '\u001B[2m```nosuchlang\u001B[22m\nx = 1\n\u001B[2m```\u001B[22m\n',
    )
  })
})

describe('wrapAnsi', () => {
  it('closes a style at a break and opens it again on the next line', () => {
    expect(wrapAnsi('\u001B[1mone two three\u001B[22m end', 9)).toEqual([
      '\u001B[1mone two\u001B[0m',
      '\u001B[1mthree\u001B[22m end',
    ])
  })

  it('counts wide characters as two columns and cuts words longer than a line', () => {
    expect(visibleWidth('日本語')).toBe(6)
    expect(wrapAnsi('abcdefghij', 4).map((line) => stripAnsi(line))).toEqual(['abcd', 'efgh', 'ij'])
  })
})
