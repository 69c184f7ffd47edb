import nock from 'nock'
import {chmodSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import AuthLogin from '../../src/commands/auth/login.js'
import AuthLogout from '../../src/commands/auth/logout.js'
import AuthStatus from '../../src/commands/auth/status.js'
import ConfigGet from '../../src/commands/config/get.js'
import ConfigList from '../../src/commands/config/list.js'
import ConfigSet from '../../src/commands/config/set.js'
import ConfigUnset from '../../src/commands/config/unset.js'
import ModelsList from '../../src/commands/models/list.js'
import {API, KEY, MODELS} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const configFile = (configHome: string) => join(configHome, 'groq', 'config.json')
const readConfig = (configHome: string) => JSON.parse(readFileSync(configFile(configHome), 'utf8'))

function writeConfig(configHome: string, content: unknown, mode = 0o600) {
  mkdirSync(join(configHome, 'groq'), {recursive: true})
  writeFileSync(configFile(configHome), JSON.stringify(content))
  chmodSync(configFile(configHome), mode)
}

describe('auth login', () => {
  it('--with-token reads stdin, verifies with GET /models, saves the key with mode 0600', async () => {
    const home = tempHome()
    const scope = nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .get('/openai/v1/models')
      .reply(200, MODELS)
    const result = await run(AuthLogin, ['--with-token'], {env: home.env, stdin: `${KEY}\n`})
    expect(scope.isDone()).toBe(true)
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`Saved key gsk_…cdef to profile "default" in ${configFile(home.configHome)}\n`)
    expect(result.stderr).not.toContain(KEY)
    expect(readConfig(home.configHome)).toEqual({profiles: {default: {api_key: KEY}}})
    expect(statSync(configFile(home.configHome)).mode & 0o777).toBe(0o600)
  })

  it('a rejected key exits 3 and is not saved', async () => {
    const home = tempHome()
    nock(API)
      .get('/openai/v1/models')
      .reply(401, {error: {message: 'Invalid API Key', type: 'invalid_request_error'}})
    const result = await run(AuthLogin, ['--with-token'], {env: home.env, stdin: 'gsk_bad_key_123456'})
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toBe('Error: 401 Unauthorized: Invalid API Key (invalid_request_error)\n')
    expect(() => statSync(configFile(home.configHome))).toThrow()
  })

  it('saves to the profile named by --profile, keeping other profiles', async () => {
    const home = tempHome()
    writeConfig(home.configHome, {profiles: {default: {api_key: 'gsk_default_key_0000'}}})
    const result = await run(AuthLogin, ['--with-token', '--no-verify', '--profile', 'work'], {
      env: home.env,
      stdin: KEY,
    })
    expect(result.exitCode).toBe(0)
    expect(readConfig(home.configHome)).toEqual({
      profiles: {default: {api_key: 'gsk_default_key_0000'}, work: {api_key: KEY}},
    })
  })

  it('without a TTY and without --with-token it says how, exit 2', async () => {
    const result = await run(AuthLogin, [], {stdin: ''})
    expect(result).toEqual({
      exitCode: 2,
      stderr: 'Error: Cannot prompt for a key here (no TTY, --no-input or CI): pipe it in with --with-token\n',
      stdout: '',
    })
  })

  it('an empty key on stdin is refused', async () => {
    const result = await run(AuthLogin, ['--with-token'], {stdin: '\n'})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe('Error: The API key is empty\n')
  })
})

describe('the key from the profile', () => {
  it('is used when neither flag nor env gives one; GROQ_PROFILE picks the profile', async () => {
    const home = tempHome()
    writeConfig(home.configHome, {
      profiles: {default: {api_key: 'gsk_default'}, work: {api_key: 'gsk_work_key', base_url: 'http://127.0.0.1:4011'}},
    })
    const scope = nock('http://127.0.0.1:4011', {reqheaders: {authorization: 'Bearer gsk_work_key'}})
      .get('/openai/v1/models')
      .reply(200, MODELS)
    const result = await run(ModelsList, [], {env: {...home.env, GROQ_PROFILE: 'work'}})
    expect(scope.isDone()).toBe(true)
    expect(result.exitCode).toBe(0)
  })

  it('is refused, with a warning, when the config file is readable by others', async () => {
    const home = tempHome()
    writeConfig(home.configHome, {profiles: {default: {api_key: KEY}}}, 0o644)
    const result = await run(ModelsList, [], {env: home.env})
    expect(result.exitCode).toBe(3)
    const path = configFile(home.configHome)
    expect(result.stderr).toBe(
      `Warning: ${path} is readable by other users, so its API key is not used. Run: chmod 600 ${path}\n` +
        'Error: No API key. Provide one with --api-key, the GROQ_API_KEY environment variable, or `groq auth login` (saves it to your profile).\n',
    )
  })

  it('a corrupt config file is an error naming it when the key would come from it', async () => {
    const home = tempHome()
    mkdirSync(join(home.configHome, 'groq'), {recursive: true})
    writeFileSync(configFile(home.configHome), '{"profiles": ')
    const result = await run(ModelsList, [], {env: home.env})
    expect(result).toEqual({
      exitCode: 2,
      stderr: `Error: Config file ${configFile(home.configHome)} is not valid JSON (Unexpected end of JSON input); fix or remove it\n`,
      stdout: '',
    })
  })

  it('a corrupt config file does not block a run whose key comes from the environment: a warning', async () => {
    const home = tempHome()
    mkdirSync(join(home.configHome, 'groq'), {recursive: true})
    writeFileSync(configFile(home.configHome), '{"profiles": ')
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const result = await run(ModelsList, ['-o', 'plain'], {env: {...home.env, GROQ_API_KEY: KEY}})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe(
      `Warning: ignoring the config file: Config file ${configFile(home.configHome)} is not valid JSON (Unexpected end of JSON input); fix or remove it\n`,
    )
    expect(result.stdout.split('\n')[0]).toMatch(/^gemma2-9b-it\t/)
  })
})

describe('auth status', () => {
  it('names the source, masks the key and checks it', async () => {
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const result = await run(AuthStatus, [], {env: {...tempHome().env, GROQ_API_KEY: KEY}})
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout:
        'profile\tdefault\nkey\tgsk_…cdef\nkey source\tGROQ_API_KEY\nbase url\thttps://api.groq.com\nvalid\ttrue\n',
    })
  })

  it('--json shows a rejected key with exit 3, never the full key', async () => {
    nock(API)
      .get('/openai/v1/models')
      .reply(401, {error: {message: 'Invalid API Key', type: 'invalid_request_error'}})
    const result = await run(AuthStatus, ['--json', '--api-key', KEY], {})
    expect(result.exitCode).toBe(3)
    expect(JSON.parse(result.stdout)).toEqual({
      base_url: 'https://api.groq.com',
      error: '401 Unauthorized: Invalid API Key (invalid_request_error)',
      key: 'gsk_…cdef',
      key_source: '--api-key',
      profile: 'default',
      profiles: [],
      valid: false,
    })
    expect(result.stdout + result.stderr).not.toContain(KEY)
  })

  it('no key at all: exit 3', async () => {
    const result = await run(AuthStatus, [], {})
    expect(result.exitCode).toBe(3)
  })
})

describe('auth logout', () => {
  it('removes the key and keeps the other settings', async () => {
    const home = tempHome()
    writeConfig(home.configHome, {profiles: {default: {api_key: KEY, 'model.chat': 'x'}}})
    const result = await run(AuthLogout, [], {env: home.env})
    expect(result.exitCode).toBe(0)
    expect(readConfig(home.configHome)).toEqual({profiles: {default: {'model.chat': 'x'}}})
  })
})

describe('config', () => {
  it('set validates and saves, get prints the raw value, unset removes', async () => {
    const home = tempHome()
    expect((await run(ConfigSet, ['timeout', '2m'], {env: home.env})).exitCode).toBe(0)
    expect((await run(ConfigSet, ['model.chat', 'llama-3.1-8b-instant'], {env: home.env})).exitCode).toBe(0)
    expect(readConfig(home.configHome)).toEqual({
      profiles: {default: {'model.chat': 'llama-3.1-8b-instant', timeout: '2m'}},
    })
    expect(statSync(configFile(home.configHome)).mode & 0o777).toBe(0o600)
    expect(await run(ConfigGet, ['timeout'], {env: home.env})).toEqual({exitCode: 0, stderr: '', stdout: '2m\n'})
    expect((await run(ConfigUnset, ['timeout'], {env: home.env})).exitCode).toBe(0)
    // Unset, it is the default again; a setting without a default is "not set" (exit 4).
    expect((await run(ConfigGet, ['timeout'], {env: home.env})).stdout).toBe('60s\n')
    expect((await run(ConfigUnset, ['model.chat'], {env: home.env})).exitCode).toBe(0)
    const missing = await run(ConfigGet, ['model.chat'], {env: home.env})
    expect(missing).toEqual({exitCode: 4, stderr: 'Error: model.chat is not set in profile "default"\n', stdout: ''})
  })

  it('refuses unknown keys and bad values with exit 2', async () => {
    const unknown = await run(ConfigSet, ['colour', 'red'], {})
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toMatch(
      /^Error: Unknown setting "colour". Known settings: base_url, audio.max_size, batches.max_requests, chat.render, chat.save, chat.stats, files.max_size, /,
    )
    const bad = await run(ConfigSet, ['output', 'yaml'], {})
    expect(bad).toEqual({
      exitCode: 2,
      stderr: 'Error: output: "yaml" must be one of json, table, plain, ndjson\n',
      stdout: '',
    })
    const badTimeout = await run(ConfigSet, ['timeout', 'forever'], {})
    expect(badTimeout.exitCode).toBe(2)
  })

  it('list masks the key, in plain and in JSON', async () => {
    const home = tempHome()
    writeConfig(home.configHome, {profiles: {default: {api_key: KEY, output: 'json', timeout: '30s'}}})
    const plain = await run(ConfigList, ['-o', 'plain'], {env: home.env})
    expect(plain.stdout).toBe('api_key\tgsk_…cdef\noutput\tjson\ntimeout\t30s\n')
    const json = await run(ConfigList, ['--json'], {env: home.env})
    expect(JSON.parse(json.stdout)).toEqual({api_key: 'gsk_…cdef', output: 'json', timeout: '30s'})
  })

  it('the output setting is the default format; the flag still wins', async () => {
    const home = tempHome()
    writeConfig(home.configHome, {profiles: {default: {output: 'json'}}})
    nock(API).get('/openai/v1/models').twice().reply(200, MODELS)
    const env = {...home.env, GROQ_API_KEY: KEY}
    expect((await run(ModelsList, [], {env})).stdout).toBe(JSON.stringify(MODELS) + '\n')
    expect((await run(ModelsList, ['-o', 'ndjson'], {env})).stdout.split('\n')).toHaveLength(4)
  })

  it('the timeout setting applies to requests', async () => {
    const home = tempHome()
    writeConfig(home.configHome, {profiles: {default: {max_retries: 0, timeout: '100ms'}}})
    nock(API).get('/openai/v1/models').delay(2000).reply(200, MODELS)
    const result = await run(ModelsList, [], {env: {...home.env, GROQ_API_KEY: KEY}})
    expect(result.exitCode).toBe(6)
  })
})
