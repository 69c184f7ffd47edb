import {mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import nock from 'nock'
import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'

import BatchesCreate from '../../src/commands/batches/create.js'
import FilesDownload from '../../src/commands/files/download.js'
import FilesGet from '../../src/commands/files/get.js'
import FilesList from '../../src/commands/files/list.js'
import FilesRm from '../../src/commands/files/rm.js'
import FilesUpload from '../../src/commands/files/upload.js'
import {API, KEY} from '../helpers/fixtures.js'
import {expectListModes} from '../helpers/list-modes.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})
const dir = () => mkdtempSync(join(tmpdir(), 'groq-files-'))

const FILE = {
  bytes: 966,
  created_at: 1_736_472_501,
  filename: 'batch_file.jsonl',
  id: 'file_01jh6x76wtemjr74t1fh0faj5t',
  object: 'file',
  purpose: 'batch',
}
const FILES = {
  data: [
    FILE,
    {
      bytes: 2048,
      created_at: 1_736_500_000,
      filename: 'out.jsonl',
      id: 'file_out',
      object: 'file',
      purpose: 'batch_output',
    },
  ],
  object: 'list',
}

const line = (customId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    body: {messages: [{content: 'hi', role: 'user'}], model: 'llama-3.1-8b-instant'},
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    ...extra,
  })

function jsonl(lines: string[], name = 'requests.jsonl'): string {
  const path = join(dir(), name)
  writeFileSync(path, lines.join('\n') + '\n')
  return path
}

describe('files upload', () => {
  it('sends multipart fields purpose and file with Content-Length (not chunked), prints the id', async () => {
    const path = jsonl([line('a'), line('b')])
    const content = readFileSync(path, 'utf8')
    let seen: {body: string; headers: Record<string, string | string[]>} | undefined
    nock(API)
      .post('/openai/v1/files', (body: string) => {
        seen = {...(seen ?? {headers: {}}), body}
        return true
      })
      .reply(function () {
        seen!.headers = this.req.headers
        return [200, FILE]
      })
    const result = await run(FilesUpload, [path], {env: env()})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: `${FILE.id}\n`})
    const contentType = String(seen!.headers['content-type'])
    const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(contentType)![1]
    expect(seen!.body).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="requests.jsonl"\r\n` +
        `Content-Type: application/jsonl\r\n\r\n${content}\r\n--${boundary}--\r\n`,
    )
    expect(Number(seen!.headers['content-length'])).toBe(Buffer.byteLength(seen!.body))
    expect(seen!.headers['transfer-encoding']).toBeUndefined()
    expect(seen!.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it('--json prints the File object', async () => {
    nock(API).post('/openai/v1/files').reply(200, FILE)
    const result = await run(FilesUpload, [jsonl([line('a')]), '--json'], {env: env()})
    expect(JSON.parse(result.stdout)).toEqual(FILE)
  })

  it('refuses a bad JSONL with FILE:LINE messages, exit 2, no request', async () => {
    const path = jsonl([
      line('a'),
      'not json',
      line('a'),
      line('c', {body: {messages: [{content: 'x', role: 'user'}]}}),
      line('d', {url: '/v1/embeddings'}),
      line('e', {method: 'GET'}),
      line('f', {body: {model: 'm'}}),
    ])
    const result = await run(FilesUpload, [path], {env: env()})
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      [
        `Error: ${path} is not a valid batch file; nothing was sent:`,
        `${path}:2: not valid JSON (Unexpected token 'o', "not json" is not valid JSON)`,
        `${path}:3: custom_id: "a" is used by an earlier line (must be unique)`,
        `${path}:4: body.model: missing`,
        `${path}:5: url: must be one of /v1/chat/completions, /v1/audio/transcriptions, /v1/audio/translations (got "/v1/embeddings")`,
        `${path}:6: method: must be "POST" (got "GET")`,
        `${path}:7: body.messages: missing (a non-empty array, for /v1/chat/completions)`,
        '',
      ].join('\n'),
    )
  })

  it('prints the first 20 problems and counts the rest', async () => {
    const path = jsonl(Array.from({length: 25}, () => '[]'))
    const result = await run(FilesUpload, [path], {env: env()})
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(22)
    expect(lines[20]).toBe(`${path}:20: not a JSON object`)
    expect(lines[21]).toBe(`… and 5 more (25 problems in ${path})`)
  })

  it('--no-validate sends the file as it is', async () => {
    nock(API).post('/openai/v1/files').reply(200, FILE)
    const result = await run(FilesUpload, [jsonl(['junk']), '--no-validate'], {env: env()})
    expect(result.exitCode).toBe(0)
  })

  it('a file over files.max_size is refused before upload with both sizes (exit 2)', async () => {
    const home = tempHome()
    mkdirSync(join(home.configHome, 'groq'), {recursive: true})
    writeFileSync(
      join(home.configHome, 'groq', 'config.json'),
      JSON.stringify({profiles: {default: {'files.max_size': 10}}}),
      {mode: 0o600},
    )
    const path = jsonl([line('a')])
    const result = await run(FilesUpload, [path], {env: {...home.env, GROQ_API_KEY: KEY}})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe(
      `Error: ${path} is ${readFileSync(path).length} bytes, over the upload limit of 10 bytes ` +
        '(Groq: 100 MB; change with `groq config set files.max_size SIZE`)\n',
    )
  })

  it('a missing file is exit 2 naming it', async () => {
    const result = await run(FilesUpload, ['/nonexistent/requests.jsonl'], {env: env()})
    expect(result).toEqual({exitCode: 2, stderr: 'Error: /nonexistent/requests.jsonl: no such file\n', stdout: ''})
  })
})

describe('files list', () => {
  const [older, newer] = FILES.data
  it('four modes, newest first: TTY table with human sizes and dates, piped rows, --json, -o ndjson', async () => {
    await expectListModes(FilesList, [], {
      before: () => nock(API).get('/openai/v1/files').reply(200, FILES),
      env: env(),
      json: FILES,
      ndjson: [newer, older],
      table: [
        'ID                               FILENAME          SIZE    PURPOSE       STATUS  CREATED (UTC)',
        'file_out                         out.jsonl         2.0 kB  batch_output          2025-01-10 09:06',
        'file_01jh6x76wtemjr74t1fh0faj5t  batch_file.jsonl  966 B   batch                 2025-01-10 01:28',
      ],
      tsv: [
        ['file_out', 'out.jsonl', '2048', 'batch_output', '', '1736500000'],
        [FILE.id, 'batch_file.jsonl', '966', 'batch', '', '1736472501'],
      ],
    })
  })

  it('--purpose filters every mode; --json keeps the API object with data narrowed', async () => {
    await expectListModes(FilesList, ['--purpose', 'batch'], {
      before: () => nock(API).get('/openai/v1/files').reply(200, FILES),
      env: env(),
      json: {...FILES, data: [FILE]},
      ndjson: [FILE],
      table: [
        'ID                               FILENAME          SIZE   PURPOSE  STATUS  CREATED (UTC)',
        'file_01jh6x76wtemjr74t1fh0faj5t  batch_file.jsonl  966 B  batch            2025-01-10 01:28',
      ],
      tsv: [[FILE.id, 'batch_file.jsonl', '966', 'batch', '', '1736472501']],
    })
  })

  it('--limit keeps the newest; an empty list prints nothing in every mode', async () => {
    await expectListModes(FilesList, ['--limit', '1'], {
      before: () => nock(API).get('/openai/v1/files').reply(200, FILES),
      env: env(),
      json: {...FILES, data: [newer]},
      ndjson: [newer],
      table: [
        'ID        FILENAME   SIZE    PURPOSE       STATUS  CREATED (UTC)',
        'file_out  out.jsonl  2.0 kB  batch_output          2025-01-10 09:06',
      ],
      tsv: [['file_out', 'out.jsonl', '2048', 'batch_output', '', '1736500000']],
    })
    await expectListModes(FilesList, [], {
      before: () => nock(API).get('/openai/v1/files').reply(200, {data: [], object: 'list'}),
      env: env(),
      json: {data: [], object: 'list'},
      ndjson: [],
      table: [],
      tsv: [],
    })
  })
})

describe('files get / rm', () => {
  it('get prints key/value rows piped and the object with --json', async () => {
    nock(API).get(`/openai/v1/files/${FILE.id}`).twice().reply(200, FILE)
    expect((await run(FilesGet, [FILE.id], {env: env()})).stdout).toBe(
      `id\t${FILE.id}\nfilename\tbatch_file.jsonl\nsize\t966\npurpose\tbatch\ncreated\t1736472501\n`,
    )
    expect(JSON.parse((await run(FilesGet, [FILE.id, '--json'], {env: env()})).stdout)).toEqual(FILE)
  })

  it('rm resolves every id first: an unknown one deletes nothing (exit 4)', async () => {
    nock(API)
      .get('/openai/v1/files/file_a')
      .reply(200, {...FILE, id: 'file_a'})
      .get('/openai/v1/files/file_missing')
      .reply(404, {error: {message: 'file not found', type: 'invalid_request_error'}})
    const result = await run(FilesRm, ['file_a', 'file_missing', '--yes'], {env: env()})
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toBe('Error: 404 Not Found: file not found (invalid_request_error)\n')
  })

  it('rm without --yes and no TTY refuses (exit 2) after resolving, deleting nothing', async () => {
    nock(API).get('/openai/v1/files/file_a').reply(200, FILE)
    const result = await run(FilesRm, ['file_a'], {env: env()})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: Refusing to delete file file_a without confirmation: pass --yes\n',
      stdout: '',
    })
  })

  it('rm --yes deletes each and reports each id', async () => {
    nock(API)
      .get('/openai/v1/files/file_a')
      .reply(200, FILE)
      .get('/openai/v1/files/file_b')
      .reply(200, FILE)
      .delete('/openai/v1/files/file_a')
      .reply(200, {deleted: true, id: 'file_a', object: 'file'})
      .delete('/openai/v1/files/file_b')
      .reply(200, {deleted: true, id: 'file_b', object: 'file'})
    const result = await run(FilesRm, ['file_a', 'file_b', '--yes'], {env: env()})
    expect(result.stdout).toBe('file_a\nfile_b\n')
    expect(result.stderr).toBe('Deleted file_a\nDeleted file_b\n')
  })
})

describe('files download', () => {
  it('-O PATH writes the content atomically', async () => {
    const folder = dir()
    const out = join(folder, 'out.jsonl')
    nock(API)
      .get(`/openai/v1/files/${FILE.id}/content`)
      .matchHeader('accept', 'application/octet-stream')
      .reply(200, '{"x":1}\n', {'content-length': '8', 'content-type': 'application/octet-stream'})
    const result = await run(FilesDownload, [FILE.id, '-O', out], {env: env()})
    expect(result).toEqual({exitCode: 0, stderr: `Saved ${out} (8 bytes)\n`, stdout: ''})
    expect(readFileSync(out, 'utf8')).toBe('{"x":1}\n')
    expect(readdirSync(folder)).toEqual(['out.jsonl'])
  })

  it('piped stdout gets the bytes', async () => {
    nock(API).get(`/openai/v1/files/${FILE.id}/content`).reply(200, 'abc')
    expect((await run(FilesDownload, [FILE.id], {env: env()})).stdout).toBe('abc')
  })

  it('onto an existing file without --force: exit 2, the file kept, no request', async () => {
    const out = join(dir(), 'out.jsonl')
    writeFileSync(out, 'precious')
    const result = await run(FilesDownload, [FILE.id, '-O', out], {env: env()})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe(`Error: ${out} already exists; pass --force to overwrite it\n`)
    expect(readFileSync(out, 'utf8')).toBe('precious')
  })

  it('--force replaces it', async () => {
    const out = join(dir(), 'out.jsonl')
    writeFileSync(out, 'old')
    nock(API).get(`/openai/v1/files/${FILE.id}/content`).reply(200, 'new')
    expect((await run(FilesDownload, [FILE.id, '-O', out, '--force'], {env: env()})).exitCode).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe('new')
  })

  it('a connection cut mid-way leaves no file (exit 6)', async () => {
    const folder = dir()
    const out = join(folder, 'out.jsonl')
    nock(API)
      .get(`/openai/v1/files/${FILE.id}/content`)
      .reply(
        200,
        () => {
          const body = new PassThrough()
          body.write('partial')
          setTimeout(() => body.destroy(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'})), 20)
          return body
        },
        {'content-length': '1000'},
      )
    const result = await run(FilesDownload, [FILE.id, '-O', out], {env: env()})
    expect(result.exitCode).toBe(6)
    expect(readdirSync(folder)).toEqual([])
  })
})

describe('batches create', () => {
  it('--input-file-id: POST /openai/v1/batches with the body; prints the id', async () => {
    nock(API)
      .post('/openai/v1/batches', {
        completion_window: '48h',
        endpoint: '/v1/chat/completions',
        input_file_id: 'file_a',
        metadata: {job: 'nightly'},
      })
      .reply(200, {id: 'batch_1', object: 'batch', status: 'validating'})
    const result = await run(
      BatchesCreate,
      ['--input-file-id', 'file_a', '--completion-window', '48h', '--metadata', 'job=nightly'],
      {env: env()},
    )
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: 'batch_1\n'})
  })

  it('--file validates and uploads first', async () => {
    nock(API)
      .post('/openai/v1/files')
      .reply(200, {...FILE, id: 'file_up'})
      .post('/openai/v1/batches', (body) => body.input_file_id === 'file_up')
      .reply(200, {id: 'batch_2', object: 'batch', status: 'validating'})
    expect((await run(BatchesCreate, ['--file', jsonl([line('a')])], {env: env()})).stdout).toBe('batch_2\n')
  })

  it('refuses a completion window outside 24h-7d before any request', async () => {
    const result = await run(BatchesCreate, ['--input-file-id', 'f', '--completion-window', '8d'], {env: env()})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: --completion-window: "8d" must be from 24h to 7d (e.g. 24h, 48h, 7d)\n',
      stdout: '',
    })
  })
})
