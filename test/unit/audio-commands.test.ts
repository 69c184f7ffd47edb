import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Transcribe from '../../src/commands/transcribe.js'
import Translate from '../../src/commands/translate.js'
import {API, KEY} from '../helpers/fixtures.js'
import {nockBody, type ParsedPart, parseMultipart, wavFile} from '../helpers/audio.js'
import {ROOT, run, tempHome} from '../helpers/run.js'

const FIXTURES = join(ROOT, 'test', 'fixtures', 'audio')
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')
const json = (name: string) => JSON.parse(fixture(name))

const TRANSCRIPTIONS = '/openai/v1/audio/transcriptions'
const TRANSLATIONS = '/openai/v1/audio/translations'

interface Captured {
  headers: Record<string, string | string[] | undefined>
  parts: ParsedPart[]
  raw: Buffer
}

/** A home with a real WAV in it, and the env to run in. */
function setup() {
  const home = tempHome()
  const dir = join(home.root, 'audio')
  mkdirSync(dir)
  const wav = join(dir, 'tone.wav')
  const bytes = wavFile(wav)
  return {bytes, configHome: home.configHome, dir, env: {...home.env, GROQ_API_KEY: KEY}, root: home.root, wav}
}

function writeConfig(configHome: string, profile: Record<string, unknown>) {
  mkdirSync(join(configHome, 'groq'), {recursive: true})
  writeFileSync(join(configHome, 'groq', 'config.json'), JSON.stringify({profiles: {default: profile}}), {mode: 0o600})
}

/** Answers one POST to `path` with `reply` and keeps what was sent. */
function expectPost(path: string, reply: [number, unknown, Record<string, string>?]) {
  const captured: Captured[] = []
  const scope = nock(API)
    .post(path)
    .reply(function (_uri, body) {
      const raw = nockBody(body as string)
      const headers = this.req.headers as Captured['headers']
      captured.push({headers, parts: parseMultipart(raw, String(headers['content-type'])), raw})
      return reply
    })
  return {captured, scope}
}

const fields = (parts: ParsedPart[]) =>
  parts.filter((part) => part.filename === undefined).map((part) => [part.name, part.data.toString('utf8')])

describe('transcribe: the multipart request', () => {
  it('the file part (name, filename, content type, the exact bytes) and the model, with Content-Length, not chunked', async () => {
    const {bytes, env, wav} = setup()
    const {captured, scope} = expectPost(TRANSCRIPTIONS, [200, json('transcription.json')])
    const result = await run(Transcribe, [wav], {env})
    expect(scope.isDone()).toBe(true)
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: fixture('transcription.txt').trimStart()})
    const [request] = captured
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(Number(request.headers['content-length'])).toBe(request.raw.length)
    expect(request.headers['transfer-encoding']).toBeUndefined()
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`)
    const [file, ...rest] = request.parts
    expect({...file, data: undefined}).toEqual({
      contentType: 'audio/wav',
      data: undefined,
      filename: 'tone.wav',
      name: 'file',
    })
    expect(file.data.equals(bytes)).toBe(true)
    expect(fields(rest)).toEqual([['model', 'whisper-large-v3-turbo']])
  })

  it.each([
    [['-m', 'whisper-large-v3'], [['model', 'whisper-large-v3']]],
    [
      ['--language', 'de'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['language', 'de'],
      ],
    ],
    [
      ['--prompt', 'Namen: Jörg, Ilse'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['prompt', 'Namen: Jörg, Ilse'],
      ],
    ],
    [
      ['--temperature', '0.4'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['temperature', '0.4'],
      ],
    ],
    [
      ['--response-format', 'json'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['response_format', 'json'],
      ],
    ],
    [
      ['--response-format', 'text'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['response_format', 'text'],
      ],
    ],
    [
      ['--response-format', 'verbose_json'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['response_format', 'verbose_json'],
      ],
    ],
    [
      ['--timestamps', 'segment'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'segment'],
      ],
    ],
    [
      ['--timestamps', 'word', '--timestamps', 'segment'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'word'],
        ['timestamp_granularities[]', 'segment'],
      ],
    ],
    [
      ['-f', 'srt'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['response_format', 'verbose_json'],
      ],
    ],
    [
      ['-f', 'vtt', '--timestamps', 'word'],
      [
        ['model', 'whisper-large-v3-turbo'],
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'word'],
        ['timestamp_granularities[]', 'segment'],
      ],
    ],
  ])('%j sends %j', async (flags, expected) => {
    const {env, wav} = setup()
    const {captured} = expectPost(TRANSCRIPTIONS, [200, json('transcription.verbose.json')])
    const result = await run(Transcribe, [wav, ...flags], {env})
    expect(result.exitCode).toBe(0)
    expect(captured[0].parts[0]).toMatchObject({contentType: 'audio/wav', filename: 'tone.wav', name: 'file'})
    expect(fields(captured[0].parts)).toEqual(expected)
  })

  it('--timestamps before the input does not swallow it', async () => {
    const {env, wav} = setup()
    const {captured} = expectPost(TRANSCRIPTIONS, [200, json('transcription.verbose.json')])
    expect((await run(Transcribe, ['--timestamps', 'word', wav], {env})).exitCode).toBe(0)
    expect(captured[0].parts[0].filename).toBe('tone.wav')
  })

  it('the model defaults to config model.transcribe', async () => {
    const {configHome, env, wav} = setup()
    writeConfig(configHome, {'model.transcribe': 'whisper-large-v3'})
    const {captured} = expectPost(TRANSCRIPTIONS, [200, json('transcription.json')])
    await run(Transcribe, [wav], {env})
    expect(fields(captured[0].parts)).toEqual([['model', 'whisper-large-v3']])
  })

  it('an http(s) URL is sent as the url field, with no file part', async () => {
    const {env} = setup()
    const {captured} = expectPost(TRANSCRIPTIONS, [200, json('transcription.json')])
    const result = await run(Transcribe, ['https://cdn.example.com/talk.m4a'], {env})
    expect(result.exitCode).toBe(0)
    expect(fields(captured[0].parts)).toEqual([
      ['url', 'https://cdn.example.com/talk.m4a'],
      ['model', 'whisper-large-v3-turbo'],
    ])
    expect(captured[0].parts.some((part) => part.filename !== undefined)).toBe(false)
  })
})

describe('transcribe: output, byte for byte from recorded responses', () => {
  it.each([
    [[], 'transcription.json', 'transcription.txt'],
    [['-f', 'srt'], 'transcription.verbose.json', 'transcription.srt'],
    [['-f', 'vtt'], 'transcription.verbose.json', 'transcription.vtt'],
    [['-f', 'tsv'], 'transcription.verbose.json', 'transcription.tsv'],
    [['-f', 'tsv', '--timestamps', 'word'], 'transcription.verbose.json', 'transcription.words.tsv'],
  ])('%j prints %s as %s', async (flags, response, expected) => {
    const {env, wav} = setup()
    expectPost(TRANSCRIPTIONS, [200, json(response)])
    const result = await run(Transcribe, [wav, ...flags], {env})
    const want = expected === 'transcription.txt' ? fixture(expected).trimStart() : fixture(expected)
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: want})
  })

  it('--response-format text: the text/plain body, without the leading space', async () => {
    const {env, wav} = setup()
    expectPost(TRANSCRIPTIONS, [200, fixture('transcription.txt'), {'content-type': 'text/plain; charset=utf-8'}])
    const result = await run(Transcribe, [wav, '--response-format', 'text'], {env})
    expect(result.stdout).toBe(fixture('transcription.txt').trimStart())
  })

  it('--json prints the API object unchanged (even with -f), compact when piped', async () => {
    const {env, wav} = setup()
    const verbose = json('transcription.verbose.json')
    expectPost(TRANSCRIPTIONS, [200, verbose])
    const result = await run(Transcribe, [wav, '-f', 'srt', '--json'], {env})
    expect(result.stdout).toBe(JSON.stringify(verbose) + '\n')
  })

  it('an API error is one line with the status, message and request id; exit 1', async () => {
    const {env, wav} = setup()
    nock(API)
      .post(TRANSCRIPTIONS)
      .reply(
        400,
        {error: {message: 'file must be one of the following types', type: 'invalid_request_error'}},
        {'x-request-id': 'req_audio_1'},
      )
    const result = await run(Transcribe, [wav], {env})
    expect(result).toEqual({
      exitCode: 1,
      stderr:
        'Error: 400 Bad Request: file must be one of the following types (invalid_request_error) [request id req_audio_1]\n',
      stdout: '',
    })
  })
})

describe('transcribe: refused before any request (exit 2)', () => {
  it.each([
    ['a missing file', (dir: string) => join(dir, 'missing.wav'), 'missing.wav: no such file'],
    [
      'a text file',
      (dir: string) => (writeFileSync(join(dir, 'notes.txt'), 'hi'), join(dir, 'notes.txt')),
      '".txt" is not an audio format Groq accepts',
    ],
    [
      'text called .mp3',
      (dir: string) => (writeFileSync(join(dir, 'fake.mp3'), 'not audio at all'), join(dir, 'fake.mp3')),
      'fake.mp3: does not look like MP3/MPEG audio (unrecognised content)',
    ],
  ])('%s', async (_name, make, message) => {
    const {dir, env} = setup()
    const result = await run(Transcribe, [make(dir)], {env})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stdout).toBe('')
  })

  it('a file over audio.max_size, naming the size and the limit', async () => {
    const {configHome, env, wav} = setup()
    writeConfig(configHome, {'audio.max_size': 1000})
    const result = await run(Transcribe, [wav], {env})
    expect(result).toEqual({
      exitCode: 2,
      stderr: `Error: ${wav}: 8.0 kB is over the 1.0 kB upload limit (send a URL instead, or raise it with \`groq config set audio.max_size\`)\n`,
      stdout: '',
    })
  })

  it('bad flag values name the flag', async () => {
    const {env, wav} = setup()
    expect((await run(Transcribe, [wav, '--language', 'xx'], {env})).stderr).toContain('--language: "xx" is not')
    expect((await run(Transcribe, [wav, '--temperature', '2'], {env})).stderr).toBe(
      'Error: --temperature: 2 is out of range (must be from 0 to 1)\n',
    )
    expect((await run(Transcribe, [wav, '-f', 'srt', '--response-format', 'json'], {env})).stderr).toBe(
      'Error: --response-format: -f srt needs verbose_json, not json\n',
    )
  })
})

describe('translate', () => {
  it('sends file, model (default whisper-large-v3) and response_format; prints the srt from the segments', async () => {
    const {bytes, env, wav} = setup()
    const {captured} = expectPost(TRANSLATIONS, [200, json('translation.verbose.json')])
    const result = await run(Translate, [wav, '-f', 'srt', '--prompt', 'Names: Jörg'], {env})
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: fixture('transcription.srt')})
    expect(captured[0].parts[0].data.equals(bytes)).toBe(true)
    expect(fields(captured[0].parts)).toEqual([
      ['model', 'whisper-large-v3'],
      ['prompt', 'Names: Jörg'],
      ['response_format', 'verbose_json'],
    ])
  })

  it.each([
    [['-m', 'whisper-large-v3-turbo'], [['model', 'whisper-large-v3-turbo']]],
    [
      ['--prompt', 'Names: Jörg'],
      [
        ['model', 'whisper-large-v3'],
        ['prompt', 'Names: Jörg'],
      ],
    ],
    [
      ['--temperature', '0'],
      [
        ['model', 'whisper-large-v3'],
        ['temperature', '0'],
      ],
    ],
    [
      ['--response-format', 'text'],
      [
        ['model', 'whisper-large-v3'],
        ['response_format', 'text'],
      ],
    ],
    [
      ['--response-format', 'verbose_json'],
      [
        ['model', 'whisper-large-v3'],
        ['response_format', 'verbose_json'],
      ],
    ],
    [
      ['-f', 'tsv'],
      [
        ['model', 'whisper-large-v3'],
        ['response_format', 'verbose_json'],
      ],
    ],
  ])('%j sends %j', async (flags, expected) => {
    const {bytes, env, wav} = setup()
    const {captured} = expectPost(TRANSLATIONS, [200, json('translation.verbose.json')])
    expect((await run(Translate, [wav, ...flags], {env})).exitCode).toBe(0)
    expect(captured[0].parts[0]).toMatchObject({contentType: 'audio/wav', filename: 'tone.wav', name: 'file'})
    expect(captured[0].parts[0].data.equals(bytes)).toBe(true)
    expect(fields(captured[0].parts)).toEqual(expected)
  })

  it.each([
    [[], 'transcription.txt'],
    [['-f', 'vtt'], 'transcription.vtt'],
    [['-f', 'tsv'], 'transcription.tsv'],
  ])('%j prints the recorded translation as %s', async (flags, expected) => {
    const {env, wav} = setup()
    expectPost(TRANSLATIONS, [200, json('translation.verbose.json')])
    const result = await run(Translate, [wav, ...flags], {env})
    const want = expected === 'transcription.txt' ? fixture(expected).trimStart() : fixture(expected)
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: want})
  })

  it('has no --language or --timestamps (the API takes neither for translations)', async () => {
    const {env, wav} = setup()
    expect((await run(Translate, [wav, '--language', 'de'], {env})).exitCode).toBe(2)
    expect((await run(Translate, [wav, '--timestamps', 'word'], {env})).exitCode).toBe(2)
  })
})

describe('several inputs', () => {
  it('a folder with a bad file, a good one and one already done: the error, the result, the skip; exit 2', async () => {
    const {dir, env, root} = setup()
    const out = join(root, 'out')
    mkdirSync(out)
    writeFileSync(join(dir, 'bad.wav'), 'this is not a wav file\n')
    wavFile(join(dir, 'done.wav'))
    writeFileSync(join(out, 'done.srt'), 'from the last run\n')
    const {captured} = expectPost(TRANSCRIPTIONS, [200, json('transcription.verbose.json')])
    const result = await run(Transcribe, [dir, '-f', 'srt', '--out-dir', out], {env})
    expect(captured).toHaveLength(1)
    expect(captured[0].parts[0].filename).toBe('tone.wav')
    expect(result).toEqual({
      exitCode: 2,
      stderr:
        `Error: ${join(dir, 'bad.wav')}: does not look like WAV (unrecognised content)\n` +
        `${join(dir, 'done.wav')}: skipped, ${join(out, 'done.srt')} exists (--force to redo it)\n` +
        `${join(dir, 'tone.wav')} -> ${join(out, 'tone.srt')}\n` +
        '3 inputs: 1 done, 1 skipped (already there), 1 failed\n',
      stdout: '',
    })
    expect(readFileSync(join(out, 'tone.srt'), 'utf8')).toBe(fixture('transcription.srt'))
    expect(readFileSync(join(out, 'done.srt'), 'utf8')).toBe('from the last run\n')
    expect(readdirSync(out).sort()).toEqual(['done.srt', 'tone.srt'])
  })

  it('to stdout: input<TAB>text rows in input order, whatever order the answers come in; --json an array', async () => {
    const {dir, env, wav} = setup()
    const second = join(dir, 'second.wav')
    wavFile(second, {frequency: 880})
    // The first input's answer comes last.
    nock(API)
      .post(TRANSCRIPTIONS)
      .times(2)
      .reply(function (_uri, body, callback) {
        const raw = nockBody(body as string)
        const name = parseMultipart(raw, String(this.req.headers['content-type']))[0].filename
        setTimeout(
          () => callback(null, [200, {text: ` ${name === 'tone.wav' ? 'first' : 'second'}`}]),
          name === 'tone.wav' ? 100 : 0,
        )
      })
    const result = await run(Transcribe, [wav, second], {env})
    expect(result).toEqual({
      exitCode: 0,
      stderr: '2 inputs: 2 done, 0 failed\n',
      stdout: `${wav}\tfirst\n${second}\tsecond\n`,
    })

    nock(API).post(TRANSCRIPTIONS).reply(200, {text: ' only'})
    const withError = await run(Transcribe, [join(dir, 'gone.wav'), wav, '--json', '-q'], {env})
    expect(withError).toEqual({
      exitCode: 2,
      stderr: `Error: ${join(dir, 'gone.wav')}: no such file\n2 inputs: 1 done, 1 failed\n`,
      stdout: '[null,{"text":" only"}]\n',
    })
  })

  it.each([
    [[], 2],
    [['--concurrency', '1'], 1],
    [['--concurrency', '3'], 3],
  ])('%j: at most %i requests at a time', async (flags, most) => {
    const {dir, env, wav} = setup()
    const others = ['b', 'c', 'd'].map((name) => join(dir, `${name}.wav`))
    for (const path of others) wavFile(path)
    let inFlight = 0
    let seen = 0
    nock(API)
      .post(TRANSCRIPTIONS)
      .times(4)
      .reply(function (_uri, _body, callback) {
        seen = Math.max(seen, ++inFlight)
        setTimeout(() => {
          inFlight--
          callback(null, [200, {text: ' ok'}])
        }, 100)
      })
    const result = await run(Transcribe, [wav, ...others, ...flags, '-q'], {env})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe([wav, ...others].map((input) => `${input}\tok\n`).join(''))
    expect(seen).toBe(most)
  })

  it('the worst exit code wins: a 401 (3) over a bad file (2)', async () => {
    const {dir, env, wav} = setup()
    nock(API)
      .post(TRANSCRIPTIONS)
      .reply(401, {error: {message: 'Invalid API Key', type: 'invalid_request_error'}})
    const result = await run(Transcribe, [join(dir, 'gone.wav'), wav, '--concurrency', '1'], {env})
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain(`Error: ${wav}: 401 Unauthorized: Invalid API Key`)
  })

  it('-f srt with several inputs and no --out-dir is refused up front', async () => {
    const {dir, env, wav} = setup()
    wavFile(join(dir, 'b.wav'))
    const result = await run(Transcribe, [wav, join(dir, 'b.wav'), '-f', 'srt'], {env})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: -f srt with several inputs needs --out-dir DIR (one file of subtitles each)\n',
      stdout: '',
    })
  })

  it('--out-dir with --json writes the API object as .json; --force redoes a result', async () => {
    const {env, root, wav} = setup()
    const out = join(root, 'out')
    nock(API).post(TRANSCRIPTIONS).twice().reply(200, json('transcription.json'))
    await run(Transcribe, [wav, '--out-dir', out, '--json'], {env})
    expect(JSON.parse(readFileSync(join(out, 'tone.json'), 'utf8'))).toEqual(json('transcription.json'))
    writeFileSync(join(out, 'tone.json'), 'old')
    const again = await run(Transcribe, [wav, '--out-dir', out, '--json', '--force'], {env})
    expect(again.stderr).toBe(`${wav} -> ${join(out, 'tone.json')}\n1 input: 1 done, 0 failed\n`)
    expect(existsSync(join(out, 'tone.json'))).toBe(true)
    expect(readFileSync(join(out, 'tone.json'), 'utf8')).not.toBe('old')
  })
})
