import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import AuthLogin from '../../src/commands/auth/login.js'
import AuthLogout from '../../src/commands/auth/logout.js'
import AuthStatus from '../../src/commands/auth/status.js'
import AuthSwitch from '../../src/commands/auth/switch.js'
import AuthToken from '../../src/commands/auth/token.js'
import ConfigGet from '../../src/commands/config/get.js'
import ConfigList from '../../src/commands/config/list.js'
import ConfigSet from '../../src/commands/config/set.js'
import ConfigUnset from '../../src/commands/config/unset.js'
import ModelsList from '../../src/commands/models/list.js'
import {API, MODELS} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const KEY_A = 'gsk_aaaaaaaaaaaaaaaaaaaa1111'
const KEY_B = 'gsk_bbbbbbbbbbbbbbbbbbbb2222'

function homeWith(file: object) {
  const home = tempHome()
  mkdirSync(join(home.configHome, 'groq'), {recursive: true})
  writeFileSync(join(home.configHome, 'groq', 'config.json'), JSON.stringify(file), {mode: 0o600})
  return home
}
const readConfig = (configHome: string) => JSON.parse(readFileSync(join(configHome, 'groq', 'config.json'), 'utf8'))
const TWO = {profiles: {default: {api_key: KEY_A}, work: {api_key: KEY_B, timeout: '2m'}}}

describe('profiles', () => {
  it('auth status lists every profile with its masked key and marks the active one', async () => {
    const home = homeWith(TWO)
    nock(API).get('/openai/v1/models').reply(200, MODELS)
    const result = await run(AuthStatus, ['--json'], {env: home.env})
    expect(JSON.parse(result.stdout).profiles).toEqual([
      {active: true, key: 'gsk_…1111', name: 'default'},
      {active: false, key: 'gsk_…2222', name: 'work'},
    ])
    expect(result.stdout + result.stderr).not.toContain(KEY_A)
  })

  it('auth switch makes a profile the default; auth token then prints its key in full', async () => {
    const home = homeWith(TWO)
    expect(await run(AuthSwitch, ['work'], {env: home.env})).toEqual({
      exitCode: 0,
      stderr: 'Switched to profile "work"\n',
      stdout: '',
    })
    expect(readConfig(home.configHome).default_profile).toBe('work')
    expect(await run(AuthToken, [], {env: home.env})).toEqual({exitCode: 0, stderr: '', stdout: `${KEY_B}\n`})
    // --profile and GROQ_PROFILE still win.
    expect((await run(AuthToken, ['--profile', 'default'], {env: home.env})).stdout).toBe(`${KEY_A}\n`)
    expect((await run(AuthToken, [], {env: {...home.env, GROQ_PROFILE: 'default'}})).stdout).toBe(`${KEY_A}\n`)
  })

  it('auth switch to a profile that does not exist exits 4, listing the ones that do', async () => {
    const home = homeWith(TWO)
    expect(await run(AuthSwitch, ['wrok'], {env: home.env})).toEqual({
      exitCode: 4,
      stderr: 'Error: Profile "wrok" does not exist (profiles: default, work)\n',
      stdout: '',
    })
  })

  it('auth token without any key exits 3', async () => {
    expect((await run(AuthToken, [])).exitCode).toBe(3)
  })

  it('a --profile that does not exist is an error for reads (exit 4), before any request', async () => {
    const home = homeWith(TWO)
    const result = await run(ModelsList, ['--profile', 'wrok'], {env: home.env})
    expect(result).toEqual({
      exitCode: 4,
      stderr:
        'Error: Profile "wrok" does not exist (profiles: default, work); create it with: groq auth login --profile wrok\n',
      stdout: '',
    })
  })

  it('config set to a new profile creates it and says so; --json prints what was set', async () => {
    const home = homeWith(TWO)
    const result = await run(ConfigSet, ['timeout', '5s', '--profile', 'ci', '--json'], {env: home.env})
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe(`Created profile "ci" in ${join(home.configHome, 'groq', 'config.json')}\n`)
    expect(JSON.parse(result.stdout)).toEqual({created_profile: true, key: 'timeout', profile: 'ci', value: '5s'})
    expect(readConfig(home.configHome).profiles.ci).toEqual({timeout: '5s'})
    // Setting it again is quiet: nothing on stderr, nothing on stdout without --json.
    expect(await run(ConfigSet, ['timeout', '6s', '--profile', 'ci'], {env: home.env})).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: '',
    })
  })

  it('config unset prints what it removed with --json (removed: false when the profile did not have it)', async () => {
    const home = homeWith(TWO)
    const removed = await run(ConfigUnset, ['timeout', '--profile', 'work', '--json'], {env: home.env})
    expect(removed).toEqual({exitCode: 0, stderr: '', stdout: '{"key":"timeout","profile":"work","removed":true}\n'})
    expect(readConfig(home.configHome).profiles.work).toEqual({api_key: KEY_B})
    const again = await run(ConfigUnset, ['timeout', '--profile', 'work', '--jq', '.removed'], {env: home.env})
    expect(again.stdout).toBe('false\n')
    expect((await run(ConfigUnset, ['timeout', '--profile', 'work'], {env: home.env})).stdout).toBe('')
  })

  it('auth login and logout print what they did with --json', async () => {
    const home = tempHome()
    const login = await run(AuthLogin, ['--with-token', '--no-verify', '--json'], {env: home.env, stdin: KEY_A})
    expect(JSON.parse(login.stdout)).toEqual({
      key: 'gsk_…1111',
      path: join(home.configHome, 'groq', 'config.json'),
      profile: 'default',
      verified: false,
    })
    const logout = await run(AuthLogout, ['--json'], {env: home.env})
    expect(JSON.parse(logout.stdout)).toEqual({
      path: join(home.configHome, 'groq', 'config.json'),
      profile: 'default',
      removed: true,
    })
  })
})

describe('config sources', () => {
  it('config get says where the value comes from on a terminal and in --json; piped, the value alone', async () => {
    const home = homeWith(TWO)
    const env = {...home.env, GROQ_BASE_URL: 'http://127.0.0.1:9'}
    expect((await run(ConfigGet, ['timeout', '--profile', 'work'], {env, stdoutTTY: true})).stdout).toBe(
      '2m (profile "work")\n',
    )
    expect((await run(ConfigGet, ['timeout'], {env, stdoutTTY: true})).stdout).toBe('60s (default)\n')
    expect((await run(ConfigGet, ['timeout', '--timeout', '9s'], {env, stdoutTTY: true})).stdout).toBe('9s (flag)\n')
    expect((await run(ConfigGet, ['base_url'], {env})).stdout).toBe('http://127.0.0.1:9\n')
    expect(JSON.parse((await run(ConfigGet, ['base_url', '--json'], {env})).stdout)).toEqual({
      key: 'base_url',
      profile: 'default',
      source: 'env',
      value: 'http://127.0.0.1:9',
    })
  })

  it('config get api_key shows it masked with its source; set and unset point to auth', async () => {
    const home = homeWith(TWO)
    expect((await run(ConfigGet, ['api_key'], {env: home.env, stdoutTTY: true})).stdout).toBe(
      'gsk_…1111 (profile "default")\n',
    )
    expect(await run(ConfigSet, ['api_key', KEY_B], {env: home.env})).toEqual({
      exitCode: 2,
      stderr: 'Error: api_key is set with groq auth login (it checks the key and never echoes it)\n',
      stdout: '',
    })
    expect((await run(ConfigUnset, ['api_key'], {env: home.env})).stderr).toBe(
      'Error: api_key is removed with groq auth logout\n',
    )
  })

  it('config list --all shows every setting, defaults included, with its source', async () => {
    const home = homeWith(TWO)
    const result = await run(ConfigList, ['--all', '--profile', 'work'], {env: home.env})
    const rows = result.stdout.trimEnd().split('\n')
    expect(rows).toContain('api_key\tgsk_…2222\tprofile')
    expect(rows).toContain('timeout\t2m\tprofile')
    expect(rows).toContain('max_retries\t2\tdefault')
    expect(rows).toContain('chat.render\ttrue\tdefault')
    expect(rows).toContain('model.chat\t\t')
  })
})
