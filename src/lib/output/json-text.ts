/**
 * JSON text for stdout: re-indented and, on a terminal, coloured (keys, strings, numbers, literals), working on the
 * text itself so numbers jq prints beyond double precision stay exactly as they were.
 */

export interface JsonTextOptions {
  color: boolean
  /** Two-space indentation (as JSON.stringify(…, null, 2)); compact otherwise. */
  indent: boolean
}

const COLORS = {key: '34;1', literal: '36', number: '33', punctuation: '', string: '32'}

// One token of JSON text: a string, a number or literal, punctuation, or whitespace.
const TOKEN = /("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{}[\]:,])|(\s+)/gy

/** Formats valid JSON text; anything it does not understand is passed through unchanged. */
export function formatJsonText(text: string, options: JsonTextOptions): string {
  if (!options.color && !options.indent) return text
  const paint = (value: string, code: string) => (options.color && code ? `\u001B[${code}m${value}\u001B[0m` : value)
  let out = ''
  let depth = 0
  // After `{` or `[`: the next token decides between an empty pair (`{}`) and a new indented line.
  let opened = false
  // The string at hand is a key when the last structural token was `{` or `,` inside an object.
  const stack: string[] = []
  let expectKey = false
  const newline = () => (options.indent ? '\n' + '  '.repeat(depth) : '')
  TOKEN.lastIndex = 0
  let index = 0
  while (index < text.length) {
    TOKEN.lastIndex = index
    const match = TOKEN.exec(text)
    if (!match) return text
    index = TOKEN.lastIndex
    const [token, string, number, literal, punctuation] = match
    if (match[5] !== undefined) continue
    if (opened) {
      opened = false
      if (punctuation === '}' || punctuation === ']') {
        depth--
        stack.pop()
        out += token
        expectKey = false
        continue
      }
      out += newline()
    }
    if (string !== undefined) {
      out += paint(token, expectKey ? COLORS.key : COLORS.string)
      expectKey = false
    } else if (number !== undefined) out += paint(token, COLORS.number)
    else if (literal !== undefined) out += paint(token, COLORS.literal)
    else if (punctuation === '{' || punctuation === '[') {
      out += token
      depth++
      stack.push(token)
      opened = true
      expectKey = token === '{'
    } else if (punctuation === '}' || punctuation === ']') {
      depth--
      stack.pop()
      out += newline() + token
    } else if (punctuation === ',') {
      out += ',' + newline()
      expectKey = stack.at(-1) === '{'
    } else if (punctuation === ':') out += options.indent ? ': ' : ':'
  }
  return out
}
