import {describe, expect, it} from 'vitest'

import {SSEParser} from '../../src/lib/chat/sse.js'

type Event = [data: string, event: string | undefined]

function parse(pieces: string[]): Event[] {
  const events: Event[] = []
  const parser = new SSEParser((data, event) => events.push([data, event]))
  for (const piece of pieces) parser.feed(piece)
  parser.end()
  return events
}

/** Every way of cutting `text` in two, and one character at a time. */
function splits(text: string): string[][] {
  const result = [[text], [...text]]
  for (let at = 1; at < text.length; at++) result.push([text.slice(0, at), text.slice(at)])
  return result
}

describe('SSEParser', () => {
  const stream =
    'data: {"a":1}\n\n: keep-alive comment\n\nevent: error\ndata: {"error":{"message":"x"}}\n\ndata: line one\ndata: line two\n\nid: 7\nretry: 100\ndata:no-space\n\ndata: [DONE]\n\n'
  const expected: Event[] = [
    ['{"a":1}', undefined],
    ['{"error":{"message":"x"}}', 'error'],
    ['line one\nline two', undefined],
    ['no-space', undefined],
    ['[DONE]', undefined],
  ]

  it('parses data, event, multi-line data and comments, however the text is cut', () => {
    for (const pieces of splits(stream)) expect(parse(pieces)).toEqual(expected)
  })

  it('handles CRLF and lone CR line ends, also a CRLF split across two pieces', () => {
    const crlf = stream.replaceAll('\n', '\r\n')
    const cr = stream.replaceAll('\n', '\r')
    for (const pieces of [...splits(crlf), ...splits(cr)]) expect(parse(pieces)).toEqual(expected)
  })

  it('keeps a multi-byte text intact (the caller decodes bytes) and a leading space once', () => {
    expect(parse(['data:  two spaces 🚀\n\n'])).toEqual([[' two spaces 🚀', undefined]])
  })

  it('does not dispatch events without data, and dispatches a last event that lacks its blank line', () => {
    expect(parse(['event: ping\n\n', 'data: last'])).toEqual([['last', undefined]])
  })

  it('a "data" line without a colon is an empty data field', () => {
    expect(parse(['data\n\n'])).toEqual([['', undefined]])
  })
})
