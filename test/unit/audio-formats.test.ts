import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {EXTENSIONS, extensionOf, inspectAudioFile, sniffContainer} from '../../src/lib/audio/formats.js'
import {UPLOAD_EXTENSIONS} from '../../src/lib/audio/spec.js'
import {HEADERS, padded, wavBytes, wavFile} from '../helpers/audio.js'
import {tempHome} from '../helpers/run.js'

describe('sniffContainer', () => {
  it.each([
    ['a real WAV', wavBytes(), 'wav'],
    ['FLAC', padded(HEADERS.flac), 'flac'],
    ['MP3 with an ID3 tag', padded(HEADERS.id3), 'mpeg'],
    ['MP3 starting with a frame', padded(HEADERS.mp3Frame), 'mpeg'],
    ['M4A (ftyp box)', padded(HEADERS.m4a), 'mp4'],
    ['Ogg', padded(HEADERS.ogg), 'ogg'],
    ['WebM (EBML)', padded(HEADERS.webm), 'webm'],
  ] as const)('%s', (_name, bytes, container) => {
    expect(sniffContainer(bytes)).toBe(container)
  })

  it.each([
    ['text', Buffer.from('hello, this is not audio\n')],
    ['ADTS AAC (frame sync, but layer 00)', padded(HEADERS.aac)],
    ['RIFF that is not WAVE (AVI)', padded(Buffer.from('RIFF\0\0\0\0AVI LIST', 'latin1'))],
    ['a few bytes', Buffer.from('fL')],
    ['nothing', Buffer.alloc(0)],
  ])('%s: none', (_name, bytes) => {
    expect(sniffContainer(bytes)).toBeUndefined()
  })
})

describe('extensions', () => {
  it('every accepted extension has a container and a content type; case does not matter', () => {
    for (const extension of UPLOAD_EXTENSIONS) expect(EXTENSIONS[extension].contentType).toMatch(/^audio\//)
    expect(extensionOf('/x/Talk.MP3')).toBe('mp3')
    expect(extensionOf('talk.aac')).toBeUndefined()
    expect(extensionOf('talk')).toBeUndefined()
  })
})

describe('inspectAudioFile', () => {
  const dir = () => {
    const path = join(tempHome().root, 'audio')
    mkdirSync(path)
    return path
  }
  const write = (path: string, bytes: Buffer | string) => {
    writeFileSync(path, bytes)
    return path
  }

  it('a real WAV: extension, container, content type, name and size', async () => {
    const path = join(dir(), 'tone.wav')
    const bytes = wavFile(path)
    expect(await inspectAudioFile(path, 25_000_000)).toEqual({
      container: 'wav',
      contentType: 'audio/wav',
      extension: 'wav',
      name: 'tone.wav',
      path,
      size: bytes.length,
    })
  })

  it('the content must match the extension, naming what it is and what to rename it to', async () => {
    const path = write(join(dir(), 'talk.mp3'), wavBytes())
    await expect(inspectAudioFile(path, 25_000_000)).rejects.toThrow(
      `${path}: the content is WAV, not MP3/MPEG audio as .mp3 says (rename it to .wav)`,
    )
  })

  it('opus files are Ogg; m4a and mp4 are both MP4', async () => {
    const d = dir()
    expect((await inspectAudioFile(write(join(d, 'a.opus'), padded(HEADERS.ogg)), 1e6)).contentType).toBe('audio/ogg')
    expect((await inspectAudioFile(write(join(d, 'a.mp4'), padded(HEADERS.m4a)), 1e6)).container).toBe('mp4')
  })

  it.each([
    ['a missing file', (d: string) => join(d, 'gone.wav'), 'gone.wav: no such file'],
    ['a directory', (d: string) => d, 'is a directory (give the audio files in it)'],
    [
      'an unknown extension',
      (d: string) => write(join(d, 'notes.txt'), 'hi'),
      'notes.txt: ".txt" is not an audio format Groq accepts (accepted: flac, mp3, mp4, mpeg, mpga, m4a, ogg, opus, wav, webm)',
    ],
    ['no extension', (d: string) => write(join(d, 'README'), 'hi'), 'README: no file extension (accepted: flac,'],
    ['an empty file', (d: string) => write(join(d, 'empty.wav'), ''), 'empty.wav: the file is empty'],
    [
      'text called .wav',
      (d: string) => write(join(d, 'fake.wav'), 'just text, not audio\n'),
      'fake.wav: does not look like WAV (unrecognised content)',
    ],
  ])('%s is refused with exit 2, naming the file', async (_name, make, message) => {
    const error = await inspectAudioFile(make(dir()), 25_000_000).catch((error_: unknown) => error_)
    expect(error).toMatchObject({exitCode: 2})
    expect((error as Error).message).toContain(message)
  })

  it('a file over the limit is refused with its size and the limit', async () => {
    const path = join(dir(), 'long.wav')
    wavFile(path, {seconds: 40}) // 1.28 MB
    await expect(inspectAudioFile(path, 1_000_000)).rejects.toThrow(
      `${path}: 1.3 MB is over the 1.0 MB upload limit (send a URL instead, or raise it with \`groq config set audio.max_size\`)`,
    )
  })
})
