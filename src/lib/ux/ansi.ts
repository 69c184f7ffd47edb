/**
 * Terminal text: SGR styles that can be switched off (NO_COLOR) without changing the layout, the width a string
 * takes on screen, and word wrapping that keeps styles across the lines it makes.
 */

export interface Styles {
  bold(text: string): string
  code(text: string): string
  dim(text: string): string
  heading(text: string, level: number): string
  italic(text: string): string
  link(text: string): string
  strike(text: string): string
  /** Any SGR colour code (31, 90, 38;5;n), for the highlighter. */
  color(text: string, code: string): string
}

const sgr = (open: string, close: string) => (text: string) => (text ? `\u001B[${open}m${text}\u001B[${close}m` : '')

const PLAIN: Styles = {
  bold: (text) => text,
  code: (text) => text,
  color: (text) => text,
  dim: (text) => text,
  heading: (text) => text,
  italic: (text) => text,
  link: (text) => text,
  strike: (text) => text,
}

const COLORED: Styles = {
  bold: sgr('1', '22'),
  code: sgr('36', '39'),
  color: (text, code) => (text ? `\u001B[${code}m${text}\u001B[39m` : ''),
  dim: sgr('2', '22'),
  heading(text, level) {
    // Level 1 and 2 stand out by colour, the rest by weight alone (as most terminal renderers do).
    if (level === 1) return sgr('1;4;35', '22;24;39')(text)
    if (level === 2) return sgr('1;35', '22;39')(text)
    return sgr('1', '22')(text)
  },
  italic: sgr('3', '23'),
  link: sgr('4;34', '24;39'),
  strike: sgr('9', '29'),
}

export const styles = (color: boolean): Styles => (color ? COLORED : PLAIN)

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001B\[[0-9;]*m/g

export const stripAnsi = (text: string): string => text.replaceAll(ANSI_PATTERN, '')

/** Columns a code point takes: 0 for combining marks and zero-width characters, 2 for East Asian wide and emoji. */
export function charWidth(codePoint: number): number {
  if (codePoint < 0x300) return codePoint < 32 || (codePoint >= 0x7f && codePoint < 0xa0) ? 0 : 1
  if (
    (codePoint >= 0x300 && codePoint <= 0x36f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x20d0 && codePoint <= 0x20ff) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f)
  )
    return 0
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x1f900 && codePoint <= 0x1f9ff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  )
    return 2
  return 1
}

/** Columns the text takes on screen (escape sequences take none). */
export function visibleWidth(text: string): number {
  let width = 0
  for (const char of stripAnsi(text)) width += charWidth(char.codePointAt(0)!)
  return width
}

/** The SGR codes an open code turns off, so the wrapper knows which styles are still on at a line break. */
function closes(code: string, open: string): boolean {
  const first = open.split(';')[0]
  switch (code) {
    case '0': {
      return true
    }
    case '22': {
      return first === '1' || first === '2'
    }
    case '23': {
      return first === '3'
    }
    case '24': {
      return first === '4'
    }
    case '29': {
      return first === '9'
    }
    case '39': {
      return /^(3[0-7]|38|9[0-7])$/.test(first)
    }
    default: {
      return false
    }
  }
}

interface Piece {
  /** An escape sequence, or one character. */
  text: string
  escape: boolean
  width: number
}

function pieces(text: string): Piece[] {
  const out: Piece[] = []
  let last = 0
  for (const match of text.matchAll(ANSI_PATTERN)) {
    for (const char of text.slice(last, match.index))
      out.push({escape: false, text: char, width: charWidth(char.codePointAt(0)!)})
    out.push({escape: true, text: match[0], width: 0})
    last = match.index + match[0].length
  }
  for (const char of text.slice(last)) out.push({escape: false, text: char, width: charWidth(char.codePointAt(0)!)})
  return out
}

export interface WrapOptions {
  /** Put before the first line (a bullet, a quote bar); its width counts. */
  firstPrefix?: string
  /** Put before every later line (usually spaces as wide as the first prefix). */
  restPrefix?: string
}

/**
 * Word-wraps styled text to `width` columns. Breaks at spaces; a word longer than a line is cut. Styles open at a
 * break are closed at the end of the line and opened again after the prefix of the next, so every line stands
 * alone (a pager or a scrolled-back terminal never shows a style bleeding into the margin). Returns the lines
 * without newlines.
 */
export function wrapAnsi(text: string, width: number, options: WrapOptions = {}): string[] {
  const firstPrefix = options.firstPrefix ?? ''
  const restPrefix = options.restPrefix ?? ''
  const all = pieces(text)
  const lines: string[] = []
  let active: string[] = []
  let line = ''
  let lineWidth = 0
  let prefix = firstPrefix
  let room = Math.max(1, width - visibleWidth(prefix))
  // The current word (characters and escapes since the last space) and its width.
  let word: Piece[] = []
  let wordWidth = 0
  let lineActive: string[] = [] // styles open at the start of the current line

  const applyEscape = (escape: string) => {
    const code = escape.slice(2, -1)
    const params = code === '' ? ['0'] : code.split(';')
    if (params.every((param) => /^(0|22|23|24|29|39)$/.test(param))) {
      for (const param of params) active = active.filter((open) => !closes(param, open))
    } else active = [...active, code]
  }

  const breakLine = () => {
    const reopen = lineActive.map((code) => `\u001B[${code}m`).join('')
    const close = active.length > 0 ? '\u001B[0m' : ''
    lines.push(prefix + reopen + line.replace(/ +$/, '') + close)
    prefix = restPrefix
    room = Math.max(1, width - visibleWidth(prefix))
    line = ''
    lineWidth = 0
    lineActive = [...active]
  }

  const flushWord = () => {
    if (word.length === 0) return
    if (lineWidth > 0 && lineWidth + wordWidth > room) {
      // The word goes to the next line; the space before it is dropped with the break.
      breakLine()
    }
    for (const piece of word) {
      if (!piece.escape && lineWidth + piece.width > room && lineWidth > 0) breakLine()
      line += piece.text
      lineWidth += piece.width
      if (piece.escape) applyEscape(piece.text)
    }
    word = []
    wordWidth = 0
  }

  // Escapes are applied as the line is built (flushWord), so the state at a break is the state at that point.
  for (const piece of all) {
    if (!piece.escape && piece.text === ' ') {
      flushWord()
      if (lineWidth > 0 && lineWidth < room) {
        line += ' '
        lineWidth += 1
      }
      continue
    }
    word.push(piece)
    wordWidth += piece.width
  }
  flushWord()
  if (line !== '' || lines.length === 0) breakLine()
  return lines
}
