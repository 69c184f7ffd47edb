import type {Token, Tokens} from 'marked'

import {type Styles, styles as makeStyles, visibleWidth, wrapAnsi} from './ansi.js'
import {highlightLines, loadLanguage} from './highlight.js'

/**
 * Markdown for the terminal, rendered while it streams in.
 *
 * The answer arrives a few characters at a time, so blocks are found line by line and each finished line is
 * printed at once, never redrawn: headings, list items, quotes, rules and paragraph lines when their line ends; a
 * code block line by line while its fence is open (highlighted by the language it names); a table when its last row
 * is in (its column widths need every row). Inline markdown (emphasis, code spans, links, strikethrough) is parsed by
 * marked (loaded only when rendering is on) and drawn with SGR styles; text is wrapped to the terminal's width.
 * Without colour (NO_COLOR) the same layout is printed with markers kept where style carried the meaning.
 */

type Marked = typeof import('marked')

let marked: Marked | undefined

/** Loads marked; call before the first push (it is an ES module, so this is the one asynchronous step). */
export async function loadMarkdown(): Promise<void> {
  if (marked) return
  marked = await import('marked')
  // Parse a line now, while the request is on its way: the first parse compiles marked's code (~5 ms), which
  // would otherwise delay the first line of the answer.
  new MarkdownStream({color: true, width: 80}).push('# *a* **b** `c` [d](e)\n- f\n')
}

export interface MarkdownOptions {
  color: boolean
  /** Columns to wrap to (the terminal's width). */
  width: number
}

interface Fence {
  char: string
  indent: number
  language?: string
  length: number
  lines: string[]
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$/
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/
const QUOTE = /^ {0,3}> ?(.*)$/
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+)(.*)$/
const TASK = /^\[([ xX])\][ \t]+/
const TABLE_ROW = /^ {0,3}\|.*\|[ \t]*$/
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/
/** How far back a code line's highlighting looks, so strings and comments opened on earlier lines colour right. */
const HIGHLIGHT_CONTEXT_LINES = 30

export class MarkdownStream {
  private readonly style: Styles
  private readonly width: number
  private partial = ''
  private fence?: Fence
  private table: string[] = []
  private blankPending = false
  private started = false

  constructor(options: MarkdownOptions) {
    if (!marked) throw new Error('loadMarkdown() must be awaited before a MarkdownStream is made')
    this.style = makeStyles(options.color)
    this.width = Math.max(20, options.width)
  }

  /** Takes the next piece of the answer; returns what is ready for the screen (whole lines, or ''). */
  push(text: string): string {
    this.partial += text
    const end = this.partial.lastIndexOf('\n')
    if (end === -1) return ''
    const lines = this.partial.slice(0, end).split('\n')
    this.partial = this.partial.slice(end + 1)
    let out = ''
    for (const line of lines) out += this.line(line.replace(/\r$/, ''))
    return out
  }

  /** The answer is complete (or cut): renders what is left. Nothing after the last line's newline. */
  end(): string {
    let out = this.partial ? this.line(this.partial) : ''
    this.partial = ''
    out += this.flushTable()
    this.fence = undefined
    return out
  }

  private line(line: string): string {
    if (this.fence) return this.fenceLine(line)
    let out = ''
    if (this.table.length > 0) {
      if (this.table.length === 1) {
        // One row so far: a table only if a delimiter row follows.
        if (TABLE_DELIMITER.test(line) && line.includes('-')) {
          this.table.push(line)
          return ''
        }
        const [row] = this.table
        this.table = []
        out += this.paragraph(row)
      } else if (line.includes('|') && line.trim() !== '') {
        this.table.push(line)
        return ''
      } else out += this.flushTable()
    }
    if (line.trim() === '') {
      if (this.started) this.blankPending = true
      return out
    }
    if (TABLE_ROW.test(line)) {
      this.table.push(line)
      return out
    }
    const fence = FENCE_OPEN.exec(line)
    if (fence) {
      this.fence = {
        char: fence[2][0],
        indent: fence[1].length,
        language: fence[3] ? loadLanguage(fence[3]) : undefined,
        length: fence[2].length,
        lines: [],
      }
      return out + this.emit([this.style.dim(line.trim())])
    }
    return out + this.emit(this.block(line))
  }

  /** Lines are printed with the blank line that came before them, if any: trailing blank lines never print. */
  private emit(lines: string[]): string {
    if (lines.length === 0) return ''
    const blank = this.blankPending && this.started ? '\n' : ''
    this.blankPending = false
    this.started = true
    return blank + lines.map((line) => line + '\n').join('')
  }

  private fenceLine(line: string): string {
    const fence = this.fence!
    const closing = new RegExp(`^ {0,3}${fence.char === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`)
    if (closing.test(line)) {
      this.fence = undefined
      return this.emit([this.style.dim(line.trim())])
    }
    // Code keeps its own indentation, less the fence's; it is never wrapped (a copied command must stay whole).
    let code = line
    for (let index = 0; index < fence.indent && code.startsWith(' '); index++) code = code.slice(1)
    fence.lines.push(code)
    if (fence.lines.length > HIGHLIGHT_CONTEXT_LINES) fence.lines.shift()
    this.blankPending = false
    if (!fence.language || !this.colorOn()) return this.emitRaw(code)
    const highlighted = highlightLines(fence.lines.join('\n'), fence.language)
    return this.emitRaw(highlighted.at(-1) ?? code)
  }

  /** Inside a fence blank lines are content, printed as they come. */
  private emitRaw(line: string): string {
    this.started = true
    return line + '\n'
  }

  private colorOn(): boolean {
    return this.style.bold('x') !== 'x'
  }

  private block(line: string): string[] {
    const heading = HEADING.exec(line)
    if (heading) {
      const level = heading[1].length
      const content = this.inline(heading[2] ?? '')
      // The markers stay: they say the level, with or without colour.
      return wrapAnsi(this.style.heading(`${heading[1]} ${content}`, level), this.width)
    }
    if (RULE.test(line)) return [this.style.dim('─'.repeat(Math.min(this.width, 80)))]
    const quote = QUOTE.exec(line)
    if (quote) {
      const bar = this.style.dim('│ ')
      const inner = quote[1].trim() === '' ? [''] : this.blockAt(quote[1], this.width - 2)
      return inner.map((text) => bar + this.style.italic(text))
    }
    const item = LIST_ITEM.exec(line)
    if (item) {
      const indent = ' '.repeat(this.indentWidth(item[1]))
      let marker = /\d/.test(item[2]) ? item[2] : '•'
      let content = item[4]
      const task = TASK.exec(content)
      if (task) {
        marker += task[1] === ' ' ? ' ☐' : ' ☑'
        content = content.slice(task[0].length)
      }
      const firstPrefix = `${indent}${this.style.dim(marker)} `
      const restPrefix = ' '.repeat(indent.length + visibleWidth(marker) + 1)
      return wrapAnsi(this.inline(content), this.width, {firstPrefix, restPrefix})
    }
    return this.paragraphLines(line)
  }

  /** A block inside a quote, wrapped to the quote's width. */
  private blockAt(line: string, width: number): string[] {
    const inner = new MarkdownStream({color: this.colorOn(), width})
    return inner.block(line)
  }

  private paragraph(line: string): string {
    return this.emit(this.paragraphLines(line))
  }

  /** A paragraph line: leading spaces (a list item's continuation) become its indent. */
  private paragraphLines(line: string): string[] {
    const indent = ' '.repeat(this.indentWidth(/^[ \t]*/.exec(line)![0]))
    return wrapAnsi(this.inline(line.trim()), this.width, {firstPrefix: indent, restPrefix: indent})
  }

  private indentWidth(whitespace: string): number {
    return Math.min(whitespace.replaceAll('\t', '    ').length, 16)
  }

  private flushTable(): string {
    if (this.table.length === 0) return ''
    const rows = this.table
    this.table = []
    if (rows.length === 1) return this.paragraph(rows[0])
    const token = marked!.Lexer.lex(rows.join('\n')).find((candidate) => candidate.type === 'table') as
      Tokens.Table | undefined
    if (!token) return rows.map((row) => this.paragraph(row)).join('')
    return this.emit(this.renderTable(token))
  }

  private renderTable(token: Tokens.Table): string[] {
    const header = token.header.map((cell) => this.style.bold(this.inlineTokens(cell.tokens)))
    const body = token.rows.map((row) => row.map((cell) => this.inlineTokens(cell.tokens)))
    const columns = header.length
    const widths = header.map((cell, index) =>
      Math.max(visibleWidth(cell), ...body.map((row) => visibleWidth(row[index] ?? '')), 1),
    )
    // Too wide for the screen: the widest columns give way until it fits (cells then wrap inside their column).
    const separator = 3 // ' │ '
    const available = Math.max(columns * 3, this.width - separator * (columns - 1))
    while (widths.reduce((sum, width) => sum + width, 0) > available) {
      const widest = widths.indexOf(Math.max(...widths))
      if (widths[widest] <= 3) break
      widths[widest]--
    }
    const bar = this.style.dim(' │ ')
    const renderRow = (cells: string[]) => {
      const wrapped = cells.map((cell, index) => wrapAnsi(cell, widths[index]))
      const height = Math.max(...wrapped.map((lines) => lines.length))
      const lines: string[] = []
      for (let lineIndex = 0; lineIndex < height; lineIndex++) {
        const parts = wrapped.map((cellLines, index) => {
          const text = cellLines[lineIndex] ?? ''
          const pad = widths[index] - visibleWidth(text)
          const align = token.align[index]
          if (align === 'right') return ' '.repeat(pad) + text
          if (align === 'center') return ' '.repeat(Math.floor(pad / 2)) + text + ' '.repeat(Math.ceil(pad / 2))
          return text + ' '.repeat(pad)
        })
        lines.push(parts.join(bar).trimEnd())
      }
      return lines
    }
    const rule = this.style.dim(widths.map((width) => '─'.repeat(width)).join('─┼─'))
    return [...renderRow(header), rule, ...body.flatMap((row) => renderRow(row))]
  }

  private inline(text: string): string {
    return this.inlineTokens(marked!.Lexer.lexInline(text))
  }

  private inlineTokens(tokens: Token[] | undefined): string {
    if (!tokens) return ''
    return tokens.map((token) => this.inlineToken(token)).join('')
  }

  private inlineToken(token: Token): string {
    const style = this.style
    switch (token.type) {
      case 'strong': {
        return style.bold(this.inlineTokens(token.tokens))
      }
      case 'em': {
        return style.italic(this.inlineTokens(token.tokens))
      }
      case 'del': {
        return style.strike(this.inlineTokens(token.tokens))
      }
      case 'codespan': {
        // Without colour the backticks stay, so code still reads as code.
        const code = decodeEntities(token.text)
        return this.colorOn() ? style.code(code) : `\`${code}\``
      }
      case 'link': {
        const label = this.inlineTokens(token.tokens)
        const href = token.href as string
        const plainLabel = decodeEntities(token.text as string)
        if (plainLabel === href || `mailto:${plainLabel}` === href) return style.link(label)
        return `${style.link(label)} ${style.dim(`(${href})`)}`
      }
      case 'image': {
        return style.dim(`[image: ${token.text || token.href}]`)
      }
      case 'br': {
        return ' '
      }
      case 'text': {
        return token.tokens ? this.inlineTokens(token.tokens) : decodeEntities(token.text)
      }
      case 'escape': {
        return token.text
      }
      default: {
        return decodeEntities(('text' in token ? token.text : token.raw) as string)
      }
    }
  }
}

const ENTITIES: Record<string, string> = {
  '&#39;': "'",
  '&amp;': '&',
  '&gt;': '>',
  '&lt;': '<',
  '&nbsp;': ' ',
  '&quot;': '"',
}

function decodeEntities(text: string): string {
  return text.replaceAll(/&(?:amp|lt|gt|quot|nbsp|#39);/g, (entity) => ENTITIES[entity] ?? entity)
}
