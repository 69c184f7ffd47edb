import type {ChatChunk} from './assemble.js'

export type TextField = 'content' | 'reasoning'

/**
 * Reads the text out of the common chunk without JSON.parse.
 *
 * Almost every chunk of a chat stream is byte for byte the same as the one before it, except for the
 * text of its one delta field: `{"id":"…",…,"choices":[{"index":0,"delta":{"content":"TEXT"},
 * "logprobs":null,"finish_reason":null}]}`. Once a parsed chunk of that kind has been seen, its bytes
 * before and after TEXT are kept as a template; a later chunk that starts with the same prefix and
 * ends with the same suffix differs from it only in TEXT, so it parses to the same object with other
 * text, which is what `match` returns. Anything else (a quote in the text, another field, a finish
 * reason, usage, x_groq) fails the match and goes through JSON.parse as usual.
 *
 * JSON.parse of each ~250-byte chunk was the largest per-token cost of streaming; this makes the
 * common chunk a prefix compare, a suffix compare and a slice.
 */
export class ChunkTemplate {
  field: TextField | undefined
  private prefix = ''
  private suffix = ''

  /** The text of `data` if it is the template with other text, else undefined. */
  match(data: string): string | undefined {
    const {prefix, suffix} = this
    if (this.field === undefined) return undefined
    const end = data.length - suffix.length
    if (end < prefix.length || !data.startsWith(prefix) || !data.endsWith(suffix)) return undefined
    const text = data.slice(prefix.length, end)
    // A quote could close the string early and change the structure; leave such chunks to JSON.parse.
    if (text.includes('"')) return undefined
    if (!text.includes('\\')) return text
    try {
      // Escapes (\n, \u00e9, \\): parse the string alone. A trailing odd backslash would escape the
      // closing quote and throws here.
      return JSON.parse('"' + text + '"') as string
    } catch {
      return undefined
    }
  }

  /** Keeps `data` as the template when its chunk is a plain one-field text delta of choice 0. */
  learn(data: string, chunk: ChatChunk): void {
    if (chunk.x_groq || chunk.usage || chunk.usage_breakdown || chunk.error) return
    const choices = chunk.choices
    if (!choices || choices.length !== 1) return
    const choice = choices[0]
    if ((choice.index ?? 0) !== 0 || choice.finish_reason || choice.logprobs) return
    const delta = choice.delta
    if (!delta) return
    let field: TextField | undefined
    let count = 0
    for (const key in delta) {
      count++
      if (key === 'content' || key === 'reasoning') field = key
    }
    if (count !== 1 || field === undefined) return
    const value = delta[field]
    if (typeof value !== 'string') return
    const marker = `"delta":{"${field}":"`
    const at = data.indexOf(marker)
    if (at === -1 || data.includes(marker, at + 1)) return
    const start = at + marker.length
    let close = start
    for (; close < data.length; close++) {
      const code = data.charCodeAt(close)
      if (code === 92) close++
      else if (code === 34) break
    }
    if (close >= data.length) return
    this.prefix = data.slice(0, start)
    this.suffix = data.slice(close)
    this.field = field
    // The template must give back exactly the text JSON.parse gave; if not, use no template.
    if (this.match(data) !== value) this.field = undefined
  }
}
