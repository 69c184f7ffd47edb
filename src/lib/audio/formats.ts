import {open, stat} from 'node:fs/promises'
import {basename, extname} from 'node:path'

import {UsageError} from '../core/errors.js'
import {formatBytes} from '../ux/progress.js'
import {UPLOAD_EXTENSIONS, type UploadExtension} from './spec.js'

/**
 * Which audio files Groq accepts, checked twice before anything is sent: by extension (what the API goes
 * by) and by the first bytes (so a renamed text file, or a WAV called .mp3, is refused here with a clear
 * message instead of a 400 after the upload).
 */

/** Containers, as the first bytes tell them apart. */
export type Container = 'flac' | 'mp4' | 'mpeg' | 'ogg' | 'wav' | 'webm'

interface ExtensionSpec {
  container: Container
  /** The content type of the multipart file part. */
  contentType: string
}

export const EXTENSIONS: Record<UploadExtension, ExtensionSpec> = {
  flac: {container: 'flac', contentType: 'audio/flac'},
  m4a: {container: 'mp4', contentType: 'audio/mp4'},
  mp3: {container: 'mpeg', contentType: 'audio/mpeg'},
  mp4: {container: 'mp4', contentType: 'audio/mp4'},
  mpeg: {container: 'mpeg', contentType: 'audio/mpeg'},
  mpga: {container: 'mpeg', contentType: 'audio/mpeg'},
  ogg: {container: 'ogg', contentType: 'audio/ogg'},
  opus: {container: 'ogg', contentType: 'audio/ogg'}, // Ogg Opus (RFC 7845)
  wav: {container: 'wav', contentType: 'audio/wav'},
  webm: {container: 'webm', contentType: 'audio/webm'},
}

const CONTAINER_NAMES: Record<Container, string> = {
  flac: 'FLAC',
  mp4: 'MP4/M4A',
  mpeg: 'MP3/MPEG audio',
  ogg: 'Ogg',
  wav: 'WAV',
  webm: 'WebM',
}

/** The extension each container is usually saved with, for the "rename it" hint. */
const USUAL_EXTENSION: Record<Container, string> = {
  flac: 'flac',
  mp4: 'm4a',
  mpeg: 'mp3',
  ogg: 'ogg',
  wav: 'wav',
  webm: 'webm',
}

/** How many leading bytes sniffContainer needs at most (ID3 headers are skipped by size, see below). */
export const SNIFF_BYTES = 64

const ascii = (bytes: Uint8Array, offset: number, text: string): boolean =>
  bytes.length >= offset + text.length && [...text].every((char, i) => bytes[offset + i] === char.charCodeAt(0))

/** An MPEG audio frame header: 11 sync bits, a valid version and layer (layer 00 is ADTS AAC, not MPEG audio). */
function isMpegFrame(bytes: Uint8Array, offset = 0): boolean {
  if (bytes.length < offset + 3) return false
  const [b0, b1, b2] = [bytes[offset], bytes[offset + 1], bytes[offset + 2]]
  const version = (b1 >> 3) & 0b11
  const layer = (b1 >> 1) & 0b11
  const bitrate = b2 >> 4
  const sampleRate = (b2 >> 2) & 0b11
  return b0 === 0xff && (b1 & 0xe0) === 0xe0 && version !== 0b01 && layer !== 0 && bitrate !== 0xf && sampleRate !== 3
}

/** The container the first bytes show, or undefined when they match none Groq accepts. */
export function sniffContainer(bytes: Uint8Array): Container | undefined {
  if (ascii(bytes, 0, 'fLaC')) return 'flac'
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return 'wav'
  if (ascii(bytes, 0, 'OggS')) return 'ogg'
  if (ascii(bytes, 4, 'ftyp')) return 'mp4'
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return 'webm'
  // An ID3v2 tag (10-byte header, then the tag) before MPEG frames; a FLAC file may carry one too, but rarely.
  if (ascii(bytes, 0, 'ID3')) return 'mpeg'
  if (isMpegFrame(bytes)) return 'mpeg'
  return undefined
}

export interface AudioFile {
  contentType: string
  container: Container
  extension: UploadExtension
  /** The name sent as the multipart file part's filename. */
  name: string
  path: string
  size: number
}

const ACCEPTED = UPLOAD_EXTENSIONS.join(', ')

/** The extension check alone (no disk access), for a path or a URL's path. */
export function extensionOf(path: string): undefined | UploadExtension {
  const extension = extname(path).slice(1).toLowerCase()
  return (UPLOAD_EXTENSIONS as readonly string[]).includes(extension) ? (extension as UploadExtension) : undefined
}

/**
 * Checks a local file before it is sent: it exists, is a regular file, has an accepted extension whose
 * container matches the first bytes, and is within the size limit. Throws UsageError (exit 2) naming the file.
 */
export async function inspectAudioFile(path: string, maxBytes: number): Promise<AudioFile> {
  let size: number
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw new UsageError(`${path}: is a directory (give the audio files in it)`)
    if (!info.isFile()) throw new UsageError(`${path}: not a regular file`)
    size = info.size
  } catch (error) {
    if (error instanceof UsageError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : `${path}: ${(error as Error).message}`)
  }
  const extension = extensionOf(path)
  if (!extension) {
    const found = extname(path) ? `"${extname(path)}" is not an audio format Groq accepts` : 'no file extension'
    throw new UsageError(`${path}: ${found} (accepted: ${ACCEPTED})`)
  }
  if (size === 0) throw new UsageError(`${path}: the file is empty`)
  if (size > maxBytes) {
    throw new UsageError(
      `${path}: ${formatBytes(size)} is over the ${formatBytes(maxBytes)} upload limit ` +
        '(send a URL instead, or raise it with `groq config set audio.max_size`)',
    )
  }
  const head = Buffer.alloc(SNIFF_BYTES)
  const handle = await open(path, 'r')
  let read: number
  try {
    ;({bytesRead: read} = await handle.read(head, 0, SNIFF_BYTES, 0))
  } finally {
    await handle.close()
  }
  const expected = EXTENSIONS[extension]
  const found = sniffContainer(head.subarray(0, read))
  if (!found) {
    throw new UsageError(`${path}: does not look like ${CONTAINER_NAMES[expected.container]} (unrecognised content)`)
  }
  if (found !== expected.container) {
    throw new UsageError(
      `${path}: the content is ${CONTAINER_NAMES[found]}, not ${CONTAINER_NAMES[expected.container]} as .${extension} ` +
        `says (rename it to .${USUAL_EXTENSION[found]})`,
    )
  }
  return {contentType: expected.contentType, container: found, extension, name: basename(path), path, size}
}
