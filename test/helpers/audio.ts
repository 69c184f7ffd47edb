/**
 * Audio for tests, made here rather than checked in or made by sox (so CI needs nothing extra).
 * `wavFile` is a real RIFF/WAVE file: 16-bit PCM mono, a sine tone, that any player opens.
 * The other headers are just the first bytes of each container, enough for the magic-byte check.
 */
import {writeFileSync} from 'node:fs'

export interface WavOptions {
  /** Default 0.25 s. */
  seconds?: number
  /** Default 16000 Hz (what Whisper resamples to anyway). */
  sampleRate?: number
  /** Default 440 Hz. */
  frequency?: number
}

/** The bytes of a real PCM WAV file (canonical 44-byte header, then little-endian 16-bit samples). */
export function wavBytes(options: WavOptions = {}): Buffer {
  const sampleRate = options.sampleRate ?? 16_000
  const samples = Math.round((options.seconds ?? 0.25) * sampleRate)
  const frequency = options.frequency ?? 440
  const data = Buffer.alloc(samples * 2)
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 0.3 * 32_767), i * 2)
  }
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVE', 8, 'ascii')
  header.write('fmt ', 12, 'ascii')
  header.writeUInt32LE(16, 16) // fmt chunk size
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * 2, 28) // byte rate
  header.writeUInt16LE(2, 32) // block align
  header.writeUInt16LE(16, 34) // bits per sample
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}

export function wavFile(path: string, options: WavOptions = {}): Buffer {
  const bytes = wavBytes(options)
  writeFileSync(path, bytes)
  return bytes
}

/** Leading bytes of each container Groq accepts (padded to 64 bytes), for the magic-byte checks. */
export const HEADERS = {
  flac: Buffer.from('fLaC\0\0\0\x22', 'latin1'),
  id3: Buffer.from('ID3\x04\0\0\0\0\0\x0f', 'latin1'),
  // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
  mp3Frame: Buffer.from([0xff, 0xfb, 0x90, 0x64]),
  m4a: Buffer.from('\0\0\0\x20ftypM4A \0\0\0\0', 'latin1'),
  ogg: Buffer.from('OggS\0\x02\0\0\0\0\0\0\0\0', 'latin1'),
  webm: Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]),
  // ADTS AAC: frame sync like MPEG audio, but layer 00 — not accepted
  aac: Buffer.from([0xff, 0xf1, 0x50, 0x80]),
} as const

export const padded = (head: Buffer, length = 64): Buffer => Buffer.concat([head, Buffer.alloc(length)])

export interface ParsedPart {
  name: string
  filename?: string
  contentType?: string
  data: Buffer
}

/**
 * Splits a multipart/form-data body into its parts (what a server sees): name, filename and content type from
 * each part's headers, and its bytes. Throws when the body is not well-formed, so a test cannot pass on garbage.
 */
export function parseMultipart(body: Buffer, contentType: string): ParsedPart[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1]
  if (!boundary) throw new Error(`no boundary in ${contentType}`)
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: ParsedPart[] = []
  let start = body.indexOf(delimiter)
  if (start !== 0) throw new Error('the body does not start with the boundary')
  for (;;) {
    const afterDelimiter = start + delimiter.length
    if (body.subarray(afterDelimiter, afterDelimiter + 4).toString() === '--\r\n') {
      if (afterDelimiter + 4 !== body.length) throw new Error('bytes after the closing boundary')
      return parts
    }
    const headerEnd = body.indexOf('\r\n\r\n', afterDelimiter)
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd)
    if (headerEnd < 0 || next < 0) throw new Error('a part without an end')
    const headers = body.subarray(afterDelimiter + 2, headerEnd).toString('utf8')
    const disposition = /content-disposition: form-data; name="([^"]*)"(?:; filename="([^"]*)")?/i.exec(headers)
    if (!disposition) throw new Error(`a part without Content-Disposition: ${headers}`)
    parts.push({
      contentType: /content-type: (.*)/i.exec(headers)?.[1],
      data: body.subarray(headerEnd + 4, next),
      filename: disposition[2],
      name: disposition[1],
    })
    start = next + 2
  }
}

/** nock hands a test a binary request body as hex (a multipart body then starts with "--", hex 2d2d), else as text. */
export const nockBody = (body: string): Buffer =>
  body.startsWith('2d2d') && /^(?:[\da-f]{2})+$/.test(body) ? Buffer.from(body, 'hex') : Buffer.from(body, 'utf8')
