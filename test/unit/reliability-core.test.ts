/** The core pieces of issue 9 on their own: the retry layer, bounded inputs, the lock, error lines. */
import {execFileSync, spawn} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {describe, expect, it, onTestFinished} from 'vitest'

import {describeError, redactURL} from '../../src/lib/core/errors.js'
import {
  decodeText,
  jsonErrorOffset,
  parseJsonText,
  readInputFile,
  readStdinText,
  readTextFile,
} from '../../src/lib/core/input.js'
import {acquireLock, withFileLock} from '../../src/lib/core/lock.js'
import {formatSize, parseSize} from '../../src/lib/core/size.js'
import {backoffMs, formatWait, serverWaitMs, withRetries} from '../../src/lib/http/retry.js'
import type {NodeFetch, NodeResponse} from '../../src/lib/http/transport.js'
import {replayableBody} from '../../src/lib/http/transport.js'
import {tempHome} from '../helpers/run.js'

/** A response as the transport gives it, for a fake fetch. */
function response(status: number, headers: Record<string, string> = {}): NodeResponse {
  const body = Readable.from([Buffer.from('{}')])
  return {
    arrayBuffer: async () => new ArrayBuffer(0),
    body,
    bodyUsed: false,
    headers: new Headers(headers),
    json: async () => ({}),
    ok: status >= 200 && status < 300,
    redirected: false,
    status,
    statusText: '',
    text: async () => '{}',
    url: 'http://x/',
  }
}

function scripted(answers: (Error | NodeResponse)[]) {
  const calls: {headers: unknown}[] = []
  const fetch: NodeFetch = async (_input, init = {}) => {
    calls.push({headers: init.headers})
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]
    if (answer instanceof Error) throw answer
    return answer
  }
  return {calls, fetch}
}

const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), {code})

describe('withRetries', () => {
  const policy = (lines: string[], waits: number[] = []) => ({
    maxRetries: 2,
    maxWaitMs: 60_000,
    onRetry: (line: string) => lines.push(line),
    random: () => 0,
    sleep: async (ms: number) => {
      waits.push(ms)
    },
  })

  it('says each retry in one line, waits what Retry-After asks, and sends the retry count', async () => {
    const lines: string[] = []
    const waits: number[] = []
    const {calls, fetch} = scripted([response(429, {'retry-after': '2'}), response(503), response(200)])
    const answer = await withRetries(fetch, policy(lines, waits))('http://x/', {
      headers: {'x-stainless-retry-count': '0'},
    })
    expect(answer.status).toBe(200)
    expect(lines).toEqual([
      '429 rate limited; retrying in 2.0 s (attempt 2 of 3)',
      '503 service unavailable; retrying in 1.0 s (attempt 3 of 3)',
    ])
    expect(waits).toEqual([2000, 1000])
    expect(calls.map((call) => (call.headers as Record<string, string>)['x-stainless-retry-count'])).toEqual([
      '0',
      '1',
      '2',
    ])
  })

  it('a wait longer than maxWaitMs is not waited: the answer comes back as it is', async () => {
    const lines: string[] = []
    const {calls, fetch} = scripted([response(429, {'retry-after': '3600'})])
    const answer = await withRetries(fetch, policy(lines))('http://x/')
    expect(answer.status).toBe(429)
    expect(calls).toHaveLength(1)
    expect(lines).toEqual([])
  })

  it('network errors are retried; a one-shot stream body, an abort and a local error are not', async () => {
    const lines: string[] = []
    const {fetch} = scripted([networkError('ECONNREFUSED'), networkError('ECONNRESET'), response(200)])
    expect((await withRetries(fetch, policy(lines))('http://x/')).status).toBe(200)
    expect(lines).toEqual([
      'connection refused (ECONNREFUSED); retrying in 0.5 s (attempt 2 of 3)',
      'connection reset (ECONNRESET); retrying in 1.0 s (attempt 3 of 3)',
    ])

    const stream = scripted([response(503), response(200)])
    const streamed = await withRetries(stream.fetch, policy([]))('http://x/', {
      body: Readable.from(['x']),
      method: 'POST',
    })
    expect(streamed.status).toBe(503)
    expect(stream.calls).toHaveLength(1)

    const replayable = scripted([response(503), response(200)])
    const body = replayableBody(() => Readable.from(['x']), {length: 1})
    expect((await withRetries(replayable.fetch, policy([]))('http://x/', {body, method: 'POST'})).status).toBe(200)

    const local = scripted([new TypeError('Invalid URL'), response(200)])
    await expect(withRetries(local.fetch, policy([]))('http://x/')).rejects.toThrow('Invalid URL')
    const aborted = scripted([new DOMException('aborted', 'AbortError'), response(200)])
    await expect(withRetries(aborted.fetch, policy([]))('http://x/')).rejects.toThrow('aborted')
    expect(local.calls.length + aborted.calls.length).toBe(2)
  })

  it('per request maxRetries (groq-sdk fetchOptions) wins; x-should-retry is obeyed both ways', async () => {
    const {calls, fetch} = scripted([response(503), response(200)])
    expect((await withRetries(fetch, policy([]))('http://x/', {maxRetries: 0})).status).toBe(503)
    expect(calls).toHaveLength(1)
    const told = scripted([response(400, {'x-should-retry': 'true'}), response(200)])
    expect((await withRetries(told.fetch, policy([]))('http://x/')).status).toBe(200)
    const forbidden = scripted([response(500, {'x-should-retry': 'false'}), response(200)])
    expect((await withRetries(forbidden.fetch, policy([]))('http://x/')).status).toBe(500)
  })

  it("the waits: Retry-After seconds or date, retry-after-ms first, else groq-sdk's backoff", () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(serverWaitMs(new Headers({'retry-after': '1.5'}), now)).toBe(1500)
    expect(serverWaitMs(new Headers({'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT'}), now)).toBe(30_000)
    expect(serverWaitMs(new Headers({'retry-after': '9', 'retry-after-ms': '20'}), now)).toBe(20)
    expect(serverWaitMs(new Headers({'retry-after': 'soon'}), now)).toBeUndefined()
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffMs(retry, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000])
    expect(backoffMs(1, () => 1)).toBe(375)
    expect([5, 360, 2000, 59_999, 90_000, 3_600_000, 3_900_000].map(formatWait)).toEqual([
      '5 ms',
      '0.4 s',
      '2.0 s',
      '60.0 s',
      '1 min 30 s',
      '1 h',
      '1 h 5 min',
    ])
  })
})

describe('bounded inputs (core/input.ts)', () => {
  it('a FILE flag reads a regular file up to its limit, and refuses a device, a directory, a missing file', async () => {
    const {root} = tempHome()
    const file = join(root, 'schema.json')
    writeFileSync(file, '{"type":"object"}')
    expect(await readTextFile(file, {what: '--schema'})).toBe('{"type":"object"}')
    await expect(readInputFile('/dev/zero', {maxBytes: 100, what: '--schema'})).rejects.toThrow(
      '--schema: cannot read /dev/zero (not a regular file)',
    )
    await expect(readInputFile(root, {what: '--schema'})).rejects.toThrow(
      `--schema: cannot read ${root} (is a directory)`,
    )
    await expect(readInputFile(join(root, 'nope'), {what: '--schema'})).rejects.toThrow(
      `--schema: cannot read ${join(root, 'nope')} (no such file)`,
    )
    writeFileSync(file, Buffer.alloc(3000, 32))
    await expect(readInputFile(file, {maxBytes: 2048, what: '--schema'})).rejects.toThrow(
      `--schema: ${file} is 3.0 kB, more than 2.0 kB, the limit`,
    )
  })

  it('a pipe (`--schema <(cmd)`) is read up to the limit, and no further', async () => {
    const {root} = tempHome()
    const fifo = join(root, 'pipe')
    execFileSync('mkfifo', [fifo])
    // A writer that never stops, like /dev/zero behind a pipe.
    const writer = spawn('sh', ['-c', `exec yes > ${fifo}`], {stdio: 'ignore'})
    onTestFinished(() => {
      writer.kill()
    })
    await expect(readInputFile(fifo, {maxBytes: 100_000, what: '--tool'})).rejects.toThrow(
      `--tool: ${fifo} is more than 100 kB, the limit`,
    )
  })

  it('stdin: bounded, text only, UTF-16 with a BOM decoded, a UTF-8 BOM dropped', async () => {
    const io = (bytes: Buffer) => ({
      env: {},
      stderr: process.stderr,
      stdin: Readable.from([bytes]),
      stdout: process.stdout,
    })
    expect(await readStdinText(io(Buffer.from('héllo')))).toBe('héllo')
    await expect(readStdinText(io(Buffer.alloc(11, 97)), {maxBytes: 10})).rejects.toThrow(
      'stdin: the input is more than 10 B, the limit (raise it with: groq config set max_stdin 50MB)',
    )
    expect(decodeText(Buffer.from('\ufeffhi'), 'x')).toBe('hi')
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hé', 'utf16le')]), 'x')).toBe('hé')
    expect(() => decodeText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]), 'stdin')).toThrow(
      'stdin looks binary (a NUL byte at offset 4); give text',
    )
    expect(() => decodeText(Buffer.from([0x68, 0x69, 0xe2, 0x82]), 'stdin')).toThrow(
      'stdin is not UTF-8 text (an invalid byte at offset 2)',
    )
  })

  it('a JSON error says where, never what (the file could be /etc/shadow)', () => {
    const secret = 'root:$6$saltsalt$hashhashhash:19000:0:99999:7:::'
    expect(() => parseJsonText(secret, '--schema: /etc/shadow')).toThrow(
      '--schema: /etc/shadow is not valid JSON (at line 1, column 1)',
    )
    try {
      parseJsonText(secret, '--schema: x')
    } catch (error) {
      expect((error as Error).message).not.toContain('root')
    }
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": tru\n}', 'f')).toThrow(
      'f is not valid JSON (at line 3, column 11)',
    )
    expect(() => parseJsonText('{"a": [1, 2', 'f')).toThrow('f is not valid JSON (it ends early, at line 1, column 12)')
    expect(() => parseJsonText('  ', 'f')).toThrow('f is empty, not JSON')
    for (const [text, offset] of [
      ['[1,]', 3],
      ['{"a" 1}', 5],
      ['"\\x"', 2],
      ['01', 1],
      ['{} x', 3],
    ] as const) {
      expect(jsonErrorOffset(text)).toBe(offset)
    }
  })

  it('sizes print as they parse (core/size.ts, decimal)', () => {
    expect(['512', '10MB', '1.5kB', '2 GiB'].map((text) => parseSize(text, 'x'))).toEqual([
      512, 10_000_000, 1500, 2_147_483_648,
    ])
    expect([100, 2048, 1_572_864, 25_400_000_000].map(formatSize)).toEqual(['100 B', '2.0 kB', '1.6 MB', '25 GB'])
  })
})

describe('withFileLock (core/lock.ts)', () => {
  it('serialises read-modify-write: 20 concurrent increments all land', async () => {
    const {root} = tempHome()
    const file = join(root, 'counter')
    writeFileSync(file, '0')
    await Promise.all(
      Array.from({length: 20}, () =>
        withFileLock(file, async () => {
          const value = Number(readFileSync(file, 'utf8'))
          await new Promise((resolve) => setTimeout(resolve, 2))
          writeFileSync(file, String(value + 1))
        }),
      ),
    )
    expect(readFileSync(file, 'utf8')).toBe('20')
  })

  it('a lock left by a dead process is taken over; a live holder makes others wait, then time out naming it', async () => {
    const {root} = tempHome()
    const file = join(root, 'config.json')
    mkdirSync(root, {recursive: true})
    const {hostname} = await import('node:os')
    writeFileSync(`${file}.lock`, JSON.stringify({host: hostname(), pid: 2 ** 22 + 1, token: 'dead'}))
    const release = await acquireLock(file, {timeoutMs: 1000})
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid).toBe(process.pid)
    await expect(acquireLock(file, {timeoutMs: 200})).rejects.toThrow(
      `Could not lock ${file} within 0 s (held by process ${process.pid}); if no groq command is running, remove ${file}.lock`,
    )
    await release()
    await (
      await acquireLock(file, {timeoutMs: 200})
    )()
  })
})

describe('error lines', () => {
  it('a URL password never shows', () => {
    expect(redactURL('Cannot reach https://me:s3cret@proxy.local:8080/v1 and http://a@b')).toBe(
      'Cannot reach https://***@proxy.local:8080/v1 and http://***@b',
    )
    expect(describeError(new Error('fetch https://u:p@x/ failed')).message).toBe('fetch https://***@x/ failed')
  })

  it('a write that fails names the file (core/atomic-write.ts)', async () => {
    const {writeFileAtomic} = await import('../../src/lib/core/atomic-write.js')
    const {root} = tempHome()
    writeFileSync(join(root, 'file'), 'x')
    // A folder where a file is cannot be made: the error, as ENOSPC would be, is said with the target's name.
    const error = await writeFileAtomic(join(root, 'file', 'x.json'), '{}').catch((error_) => error_)
    expect(describeError(error)).toEqual({
      exitCode: 1,
      message: `Cannot write ${join(root, 'file', 'x.json')}: EEXIST: file already exists, mkdir '${join(root, 'file')}'`,
    })
    expect(error.code).toBe('EEXIST')
  })
})
