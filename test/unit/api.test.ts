import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Api from '../../src/commands/api.js'
import {fieldsToObject, parseFields} from '../../src/lib/api/fields.js'
import {API, KEY, MODELS} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

describe('api fields', () => {
  it('-f is a string, -F is typed; keys nest with [sub] and []', () => {
    const fields = parseFields([
      {entry: 'model=llama', kind: 'raw'},
      {entry: 'n=1', kind: 'raw'},
      {entry: 'max=100', kind: 'typed'},
      {entry: 'temp=0.5', kind: 'typed'},
      {entry: 'stream=false', kind: 'typed'},
      {entry: 'user=null', kind: 'typed'},
      {entry: 'big=12345678901234567890', kind: 'typed'},
      {entry: 'messages[][role]=user', kind: 'raw'},
      {entry: 'messages[][content]=hi', kind: 'raw'},
      {entry: 'messages[][role]=assistant', kind: 'raw'},
      {entry: 'stop[]=a', kind: 'raw'},
      {entry: 'stop[]=b', kind: 'raw'},
      {entry: 'meta[a]=x', kind: 'raw'},
      {entry: 'eq=a=b', kind: 'raw'},
    ])
    expect(fieldsToObject(fields)).toEqual({
      big: '12345678901234567890',
      eq: 'a=b',
      max: 100,
      messages: [{content: 'hi', role: 'user'}, {role: 'assistant'}],
      meta: {a: 'x'},
      model: 'llama',
      n: '1',
      stop: ['a', 'b'],
      stream: false,
      temp: 0.5,
      user: null,
    })
  })

  it('-F key=@file reads the file; a missing file or a bad key is a usage error', () => {
    const home = tempHome()
    const file = join(home.root, 'prompt.txt')
    writeFileSync(file, 'from a file\n')
    expect(fieldsToObject(parseFields([{entry: `content=@${file}`, kind: 'typed'}]))).toEqual({
      content: 'from a file\n',
    })
    expect(() => parseFields([{entry: 'x=@/no/such/file', kind: 'typed'}])).toThrow(
      '-F x: cannot read /no/such/file (no such file)',
    )
    expect(() => parseFields([{entry: 'novalue', kind: 'raw'}])).toThrow('-f: "novalue" must be key=value')
    expect(() => parseFields([{entry: 'a[]b=1', kind: 'raw'}])).toThrow('-f: "a[]b" is not a valid key')
    expect(() => parseFields([{entry: 'a[][]=1', kind: 'raw'}])).toThrow(
      '-f: "a[][]": arrays of arrays ([][]) are not supported; use --input',
    )
  })
})

describe('api', () => {
  it('GET PATH prints the body unchanged, with the key and the base URL of every command', async () => {
    const body = JSON.stringify(MODELS, null, 3)
    nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .get('/openai/v1/models')
      .reply(200, body, {'content-type': 'application/json'})
    expect(await run(Api, ['/openai/v1/models'], {env: env()})).toEqual({exitCode: 0, stderr: '', stdout: body})
    nock('http://127.0.0.1:4999').get('/openai/v1/models').reply(200, '{}', {'content-type': 'application/json'})
    const relative = await run(Api, ['openai/v1/models'], {env: {...env(), GROQ_BASE_URL: 'http://127.0.0.1:4999'}})
    expect(relative.stdout).toBe('{}')
  })

  it('-X POST --input FILE sends the file as the JSON body', async () => {
    const home = tempHome()
    const file = join(home.root, 'body.json')
    const text = '{"model":"llama-3.1-8b-instant","messages":[{"role":"user","content":"hi"}]}'
    writeFileSync(file, text)
    let sent: string | undefined
    nock(API, {reqheaders: {'content-type': 'application/json'}})
      .post('/openai/v1/chat/completions', (body) => {
        sent = JSON.stringify(body)
        return true
      })
      .reply(200, {choices: []})
    const result = await run(Api, ['-X', 'POST', '/openai/v1/chat/completions', '--input', file], {
      env: {...home.env, GROQ_API_KEY: KEY},
    })
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: '{"choices":[]}'})
    expect(sent).toBe(text)
  })

  it('--input - reads the body from stdin; fields become a JSON body (POST by default)', async () => {
    nock(API).post('/openai/v1/embeddings', {input: 'hello', model: 'nomic-embed-text-v1_5'}).reply(200, {ok: 1})
    expect(
      (
        await run(Api, ['/openai/v1/embeddings', '--input', '-'], {
          env: env(),
          stdin: '{"input":"hello","model":"nomic-embed-text-v1_5"}',
        })
      ).stdout,
    ).toBe('{"ok":1}')
    nock(API)
      .post('/openai/v1/chat/completions', {
        max_completion_tokens: 5,
        messages: [{content: 'hi', role: 'user'}],
        model: 'm',
      })
      .reply(200, {ok: 2})
    const fields = await run(
      Api,
      [
        '/openai/v1/chat/completions',
        '-f',
        'model=m',
        '-F',
        'max_completion_tokens=5',
        '-f',
        'messages[][role]=user',
        '-f',
        'messages[][content]=hi',
      ],
      {env: env()},
    )
    expect(fields.exitCode).toBe(0)
  })

  it('GET and DELETE put fields in the query string; -H adds headers; -i prints status and headers to stderr', async () => {
    nock(API, {reqheaders: {'x-test': 'yes'}})
      .get('/openai/v1/files')
      .query({limit: '2', purpose: 'batch'})
      .reply(200, '{"data":[]}', {'content-type': 'application/json', 'x-request-id': 'req_9'})
    const result = await run(
      Api,
      ['/openai/v1/files', '-X', 'get', '-F', 'limit=2', '-f', 'purpose=batch', '-H', 'X-Test: yes', '-i'],
      {env: env()},
    )
    expect(result.stdout).toBe('{"data":[]}')
    expect(result.stderr).toBe('HTTP 200 OK\ncontent-type: application/json\nx-request-id: req_9\n\n')
  })

  it('a 404 exits 4 with the one error line and nothing on stdout', async () => {
    nock(API)
      .get('/openai/v1/models/nope')
      .reply(
        404,
        {error: {code: 'model_not_found', message: 'The model `nope` does not exist', type: 'invalid_request_error'}},
        {'x-request-id': 'req_4'},
      )
    expect(await run(Api, ['/openai/v1/models/nope'], {env: env()})).toEqual({
      exitCode: 4,
      stderr:
        'Error: 404 Not Found: The model `nope` does not exist (invalid_request_error, model_not_found) [request id req_4]\n',
      stdout: '',
    })
  })

  it('binary goes to a pipe unchanged, but not to a terminal (exit 2)', async () => {
    const bytes = Buffer.from([0x52, 0x49, 0x46, 0x46, 0x00, 0xff, 0x10])
    nock(API).post('/openai/v1/audio/speech').reply(200, bytes, {'content-type': 'audio/wav'})
    const piped = await run(Api, ['/openai/v1/audio/speech', '-f', 'input=hi'], {env: env()})
    expect(piped).toEqual({exitCode: 0, stderr: '', stdout: bytes.toString('utf8')})
    nock(API).post('/openai/v1/audio/speech').reply(200, bytes, {'content-type': 'audio/wav'})
    const tty = await run(Api, ['/openai/v1/audio/speech', '-f', 'input=hi'], {env: env(), stdoutTTY: true})
    expect(tty).toEqual({
      exitCode: 2,
      stderr:
        'Error: Refusing to write binary data to the terminal: pass -O PATH (or redirect stdout, or -O - to force)\n',
      stdout: '',
    })
  })

  it('--paginate follows has_more with after=<last id> and prints one list with every item', async () => {
    nock(API)
      .get('/openai/v1/batches')
      .reply(200, {data: [{id: 'b1'}, {id: 'b2'}], has_more: true, object: 'list'})
    nock(API)
      .get('/openai/v1/batches')
      .query({after: 'b2'})
      .reply(200, {data: [{id: 'b3'}], has_more: false, object: 'list'})
    const result = await run(Api, ['/openai/v1/batches', '--paginate'], {env: env()})
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: '{"data":[{"id":"b1"},{"id":"b2"},{"id":"b3"}],"has_more":false,"object":"list"}\n',
    })
  })

  it('-O FILE writes the body to a file (kept without --force); --form sends multipart with file parts', async () => {
    const home = tempHome()
    const out = join(home.root, 'speech.wav')
    const audio = join(home.root, 'clip.mp3')
    writeFileSync(audio, 'ID3 fake mp3 bytes')
    const bytes = Buffer.from([0x52, 0x49, 0x46, 0x46, 0x00, 0xff])
    nock(API).post('/openai/v1/audio/speech').reply(200, bytes, {'content-type': 'audio/wav'})
    const keyEnv = {...home.env, GROQ_API_KEY: KEY}
    const saved = await run(Api, ['/openai/v1/audio/speech', '-f', 'input=hi', '-O', out], {env: keyEnv})
    expect(saved).toEqual({exitCode: 0, stderr: '', stdout: ''})
    expect(readFileSync(out)).toEqual(bytes)
    const kept = await run(Api, ['/openai/v1/audio/speech', '-f', 'input=hi', '-O', out], {env: keyEnv})
    expect(kept).toEqual({
      exitCode: 2,
      stderr: `Error: ${out} already exists; pass --force to overwrite it\n`,
      stdout: '',
    })

    let sent = ''
    let headers: Record<string, unknown> = {}
    nock(API)
      .post('/openai/v1/audio/transcriptions', function (this: {headers: Record<string, unknown>}, body) {
        sent = typeof body === 'string' ? body : JSON.stringify(body)
        headers = this.headers
        return true
      })
      .reply(200, {text: 'hello'})
    const argv = [
      '/openai/v1/audio/transcriptions',
      '--form',
      '-F',
      `file=@${audio}`,
      '-f',
      'model=whisper-large-v3-turbo',
    ]
    const form = await run(Api, [...argv, '-f', 'timestamp_granularities[]=word'], {env: keyEnv})
    expect(form).toEqual({exitCode: 0, stderr: '', stdout: '{"text":"hello"}'})
    expect(String(headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/)
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(sent))
    expect(sent).toContain('name="file"; filename="clip.mp3"')
    expect(sent).toContain('ID3 fake mp3 bytes')
    expect(sent).toContain('name="model"\r\n\r\nwhisper-large-v3-turbo\r\n')
    expect(sent).toContain('name="timestamp_granularities[]"\r\n\r\nword\r\n')
  })

  it('refuses before any request (exit 2): another host, a bad method, a bad header, a missing --input file', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['https://evil.example/openai/v1/models'],
        "Error: https://evil.example is not the API's origin (https://api.groq.com): give a path such as /openai/v1/models\n",
      ],
      [['-X', 'TRACE', '/x'], 'Error: -X: "TRACE" must be one of GET, POST, PUT, PATCH, DELETE\n'],
      [['-H', 'no colon', '/x'], 'Error: -H: "no colon" must be "Name: value"\n'],
      [['--input', '/no/such.json', '/x'], 'Error: --input: cannot read /no/such.json (no such file)\n'],
      [['-X', 'GET', '--input', '-', '/x'], 'Error: --input: a GET request has no body (add -X POST)\n'],
    ]
    for (const [argv, stderr] of cases) {
      const result = await run(Api, argv, {env: env(), stdin: '{}'})
      expect(result).toEqual({exitCode: 2, stderr, stdout: ''})
    }
  })
})

describe('api --jq, colour and the pager', () => {
  const pagerEnv = () => ({...env(), GROQ_PAGER: 'sed "s/^/paged: /"', PATH: process.env.PATH})

  it('--jq filters the JSON answer as gh api --jq does: strings raw, one per line', async () => {
    nock(API).get('/openai/v1/models').reply(200, MODELS, {'content-type': 'application/json'})
    const result = await run(Api, ['/openai/v1/models', '--jq', '.data[].id'], {env: env()})
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: MODELS.data.map((model) => model.id).join('\n') + '\n',
    })
  })

  it('--jq keeps numbers beyond double precision as the API wrote them, and filters a --paginate list', async () => {
    nock(API)
      .get('/openai/v1/things')
      .reply(200, '{"n": 12345678901234567890123}', {'content-type': 'application/json'})
    expect((await run(Api, ['/openai/v1/things', '--jq', '.n'], {env: env()})).stdout).toBe('12345678901234567890123\n')
    nock(API)
      .get('/openai/v1/batches')
      .reply(200, {data: [{id: 'b1'}], has_more: true, object: 'list'})
    nock(API)
      .get('/openai/v1/batches')
      .query({after: 'b1'})
      .reply(200, {data: [{id: 'b2'}], has_more: false, object: 'list'})
    const paged = await run(Api, ['/openai/v1/batches', '--paginate', '--jq', '[.data[].id]'], {env: env()})
    expect(paged).toEqual({exitCode: 0, stderr: '', stdout: '["b1","b2"]\n'})
  })

  it('--jq: a bad expression exits 2 before any request; a body that is not JSON exits 1; not with -O FILE', async () => {
    // No interceptor for the first and last: a request would fail the test.
    const bad = await run(Api, ['/openai/v1/models', '--jq', '.data[] |'], {env: env()})
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toMatch(/^Error: --jq: jq: error: syntax error/)
    nock(API).get('/openai/v1/text').reply(200, 'plain words', {'content-type': 'text/plain; charset=utf-8'})
    expect(await run(Api, ['/openai/v1/text', '--jq', '.'], {env: env()})).toEqual({
      exitCode: 1,
      stderr: 'Error: --jq: the response is not JSON (text/plain)\n',
      stdout: '',
    })
    const home = tempHome()
    const toFile = await run(Api, ['/openai/v1/models', '--jq', '.', '-O', join(home.root, 'out.json')], {
      env: {...home.env, GROQ_API_KEY: KEY},
    })
    expect(toFile).toEqual({
      exitCode: 2,
      stderr: 'Error: --jq: prints to stdout; not with -O FILE (redirect stdout instead)\n',
      stdout: '',
    })
  })

  it('on a terminal JSON is indented and coloured (not with --no-color); in a pipe the body stays byte for byte', async () => {
    const body = '{"id":"m","n":1}'
    nock(API).get('/openai/v1/models/m').times(3).reply(200, body, {'content-type': 'application/json'})
    const colored = await run(Api, ['/openai/v1/models/m'], {env: env(), stdoutTTY: true})
    expect(colored.stdout).toBe(
      '{\n  \u001B[34;1m"id"\u001B[0m: \u001B[32m"m"\u001B[0m,\n  \u001B[34;1m"n"\u001B[0m: \u001B[33m1\u001B[0m\n}\n',
    )
    const plain = await run(Api, ['/openai/v1/models/m', '--no-color'], {env: env(), stdoutTTY: true})
    expect(plain.stdout).toBe('{\n  "id": "m",\n  "n": 1\n}\n')
    expect((await run(Api, ['/openai/v1/models/m'], {env: env()})).stdout).toBe(body)
  })

  it('output taller than the terminal goes through the pager; never in a pipe, with --no-pager, or with -O -', async () => {
    const tall = {data: Array.from({length: 30}, (_, index) => ({id: `m${index}`})), object: 'list'}
    nock(API).get('/openai/v1/models').times(4).reply(200, tall, {'content-type': 'application/json'})
    const paged = await run(Api, ['/openai/v1/models', '--no-color'], {env: pagerEnv(), stdoutTTY: true})
    expect(paged.exitCode).toBe(0)
    expect(paged.stdout.split('\n').slice(0, 3)).toEqual(['paged: {', 'paged:   "data": [', 'paged:     {'])
    const notPaged = await run(Api, ['/openai/v1/models', '--no-color', '--no-pager'], {
      env: pagerEnv(),
      stdoutTTY: true,
    })
    expect(notPaged.stdout).toBe(JSON.stringify(tall, null, 2) + '\n')
    const piped = await run(Api, ['/openai/v1/models'], {env: pagerEnv()})
    expect(piped.stdout).toBe(JSON.stringify(tall))
    const forced = await run(Api, ['/openai/v1/models', '-O', '-'], {env: pagerEnv(), stdoutTTY: true})
    expect(forced.stdout).toBe(JSON.stringify(tall))
  })

  it('on a terminal, an event stream goes through as it arrives (unpaged) and binary is still refused', async () => {
    const events = 'data: {"a":1}\n\n'.repeat(40) + 'data: [DONE]\n\n'
    nock(API).post('/openai/v1/chat/completions').reply(200, events, {'content-type': 'text/event-stream'})
    const stream = await run(Api, ['/openai/v1/chat/completions', '-F', 'stream=true'], {
      env: pagerEnv(),
      stdoutTTY: true,
    })
    expect(stream).toEqual({exitCode: 0, stderr: '', stdout: events})
    const bytes = Buffer.from([0x52, 0x49, 0x46, 0x46, 0x00, 0xff, 0x10])
    nock(API).post('/openai/v1/audio/speech').reply(200, bytes, {'content-type': 'audio/wav'})
    const tty = await run(Api, ['/openai/v1/audio/speech', '-f', 'input=hi'], {env: pagerEnv(), stdoutTTY: true})
    expect(tty.exitCode).toBe(2)
    expect(tty.stdout).toBe('')
  })
})
