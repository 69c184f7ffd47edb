import {describe, expect, it} from 'vitest'

import {
  buildCues,
  formatTimestamp,
  MissingTimestampsError,
  toSrt,
  toTsv,
  toVtt,
  wrapLine,
  writeSubtitles,
} from '../../src/lib/audio/subtitles.js'

const seg = (start: number, end: number, text: string) => ({end, start, text})

describe('formatTimestamp', () => {
  it.each([
    [0, ',', '00:00:00,000'],
    [1, '.', '00:00:00.001'],
    [61_500, ',', '00:01:01,500'],
    [3_599_999, '.', '00:59:59.999'],
    [3_600_000, ',', '01:00:00,000'],
    [36_000_000 + 754_321, '.', '10:12:34.321'],
    [360_000_000, ',', '100:00:00,000'],
  ] as const)('%d ms with "%s" → %s', (ms, separator, expected) => {
    expect(formatTimestamp(ms, separator)).toBe(expected)
  })
})

describe('wrapLine', () => {
  it('wraps at word boundaries within the width, collapsing runs of spaces', () => {
    expect(wrapLine('the quick  brown fox jumps over the lazy dog', 15)).toEqual([
      'the quick brown',
      'fox jumps over',
      'the lazy dog',
    ])
  })
  it('keeps a word longer than the width whole, on its own line', () => {
    expect(wrapLine('see https://example.com/a/very/long/path now', 10)).toEqual([
      'see',
      'https://example.com/a/very/long/path',
      'now',
    ])
  })
  it('a line of exactly the width stays one line', () => {
    expect(wrapLine('abcde fghij', 11)).toEqual(['abcde fghij'])
    expect(wrapLine('abcde fghijk', 11)).toEqual(['abcde', 'fghijk'])
  })
})

describe('toSrt', () => {
  it('numbers cues from 1, trims the leading space Whisper puts on each segment, blank line between cues', () => {
    const srt = toSrt([seg(0, 2.5, ' Hello there.'), seg(2.5, 4.04, ' General Kenobi!')])
    expect(srt).toBe(
      '1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n2\n00:00:02,500 --> 00:00:04,040\nGeneral Kenobi!\n',
    )
  })

  it('shows hours past the first hour, rounding float seconds to the millisecond', () => {
    const srt = toSrt([seg(3599.9995, 3725.1234, 'late')])
    expect(srt).toBe('1\n01:00:00,000 --> 01:02:05,123\nlate\n')
  })

  it('wraps long text at 42 characters by default, and at the width asked for', () => {
    const text = ' This sentence is long enough that it has to be wrapped onto a second line.'
    expect(toSrt([seg(0, 5, text)])).toBe(
      '1\n00:00:00,000 --> 00:00:05,000\nThis sentence is long enough that it has\nto be wrapped onto a second line.\n',
    )
    expect(toSrt([seg(0, 5, text)], {maxLineWidth: 30})).toBe(
      '1\n00:00:00,000 --> 00:00:05,000\nThis sentence is long enough\nthat it has to be wrapped onto\na second line.\n',
    )
  })

  it('keeps the line breaks of multi-line text, drops blank lines (they would end the cue), wraps each line', () => {
    const srt = toSrt([seg(1, 2, 'first line\r\n\n  second line\rthird')])
    expect(srt).toBe('1\n00:00:01,000 --> 00:00:02,000\nfirst line\nsecond line\nthird\n')
  })

  it('leaves out segments without text, numbering the rest without a gap', () => {
    const srt = toSrt([seg(0, 1, 'a'), seg(1, 2, '   '), seg(2, 3, ''), seg(3, 4, 'b')])
    expect(srt).toBe('1\n00:00:00,000 --> 00:00:01,000\na\n\n2\n00:00:03,000 --> 00:00:04,000\nb\n')
  })

  it('a zero-length segment shows until the next starts, at most 1 s; negative lengths alike', () => {
    const srt = toSrt([seg(5, 5, 'blink'), seg(5.4, 6, 'next'), seg(10, 10, 'last'), seg(20, 19, 'backwards')])
    expect(srt).toBe(
      '1\n00:00:05,000 --> 00:00:05,400\nblink\n\n' +
        '2\n00:00:05,400 --> 00:00:06,000\nnext\n\n' +
        '3\n00:00:10,000 --> 00:00:11,000\nlast\n\n' +
        '4\n00:00:20,000 --> 00:00:21,000\nbackwards\n',
    )
  })

  it('an overlapping cue ends where the next begins; cues starting together are left to overlap', () => {
    const srt = toSrt([seg(0, 3, 'one'), seg(2, 4, 'two'), seg(4, 6, 'three'), seg(4, 5, 'four')])
    expect(srt).toBe(
      '1\n00:00:00,000 --> 00:00:02,000\none\n\n' +
        '2\n00:00:02,000 --> 00:00:04,000\ntwo\n\n' +
        '3\n00:00:04,000 --> 00:00:06,000\nthree\n\n' +
        '4\n00:00:04,000 --> 00:00:05,000\nfour\n',
    )
  })

  it('sorts segments by start time (stable), then numbers them', () => {
    const srt = toSrt([seg(4, 5, 'second'), seg(0, 1, 'first')])
    expect(srt).toBe('1\n00:00:00,000 --> 00:00:01,000\nfirst\n\n2\n00:00:04,000 --> 00:00:05,000\nsecond\n')
  })

  it('a zero-length cue starting with the next (to the millisecond) shows beside it for 1 s', () => {
    const cues = buildCues([seg(1.0001, 1.0002, 'a'), seg(1.0004, 1.5, 'b')])
    expect(cues.map((cue) => [cue.startMs, cue.endMs])).toEqual([
      [1000, 2000],
      [1000, 1500],
    ])
  })

  it('no segments: an empty file', () => {
    expect(toSrt([])).toBe('')
  })
})

describe('toVtt', () => {
  it('starts with the WEBVTT header, uses a dot before the milliseconds, no cue numbers', () => {
    const vtt = toVtt([seg(0, 2.5, ' Hello there.'), seg(3723.004, 3724, ' Bye.')])
    expect(vtt).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n\n01:02:03.004 --> 01:02:04.000\nBye.\n')
  })

  it('escapes &, < and > so cue text never holds a tag or an arrow', () => {
    const vtt = toVtt([seg(0, 1, 'Tom & Jerry <3 --> forever')])
    expect(vtt).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nTom &amp; Jerry &lt;3 --&gt; forever\n')
  })

  it('applies the same cue rules as srt (zero-length, overlap, multi-line)', () => {
    const vtt = toVtt([seg(0, 0, 'a\n\nb'), seg(0.5, 3, 'c'), seg(2, 4, 'd')])
    expect(vtt).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:00.500\na\nb\n\n00:00:00.500 --> 00:00:02.000\nc\n\n00:00:02.000 --> 00:00:04.000\nd\n',
    )
  })

  it('no segments: the header alone', () => {
    expect(toVtt([])).toBe('WEBVTT\n')
  })
})

describe('toTsv', () => {
  it('one start\\tend\\ttext row per segment, seconds with three decimals, in the API order, no header', () => {
    expect(toTsv([seg(0, 2.5, ' Hello\tthere.\n'), seg(3723.0044, 3724, ' Bye.')])).toBe(
      '0.000\t2.500\tHello there.\n3723.004\t3724.000\tBye.\n',
    )
  })
  it('words print their word', () => {
    expect(
      toTsv([
        {end: 0.32, start: 0, word: 'Hello'},
        {end: 0.32, start: 0.32, word: 'there'},
      ]),
    ).toBe('0.000\t0.320\tHello\n0.320\t0.320\tthere\n')
  })
})

describe('writeSubtitles', () => {
  const transcript = {
    segments: [seg(0, 1, ' Hi.')],
    text: ' Hi.',
    words: [{end: 0.5, start: 0, word: 'Hi.'}],
  }
  it('picks the writer by format; tsv words on request', () => {
    expect(writeSubtitles(transcript, 'srt')).toBe('1\n00:00:00,000 --> 00:00:01,000\nHi.\n')
    expect(writeSubtitles(transcript, 'vtt')).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHi.\n')
    expect(writeSubtitles(transcript, 'tsv')).toBe('0.000\t1.000\tHi.\n')
    expect(writeSubtitles(transcript, 'tsv', {words: true})).toBe('0.000\t0.500\tHi.\n')
  })
  it('a response without the timestamps asked for is an error (exit 1), not empty subtitles', () => {
    expect(() => writeSubtitles({text: 'x'}, 'srt')).toThrow(MissingTimestampsError)
    expect(() => writeSubtitles({segments: [], text: 'x'}, 'tsv', {words: true})).toThrow(
      'the response has no words (a verbose_json response with word timestamps was expected)',
    )
    expect(new MissingTimestampsError('segments').exitCode).toBe(1)
  })
})
