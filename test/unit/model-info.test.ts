import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import {createClient} from '../../src/lib/http/client.js'
import {resolveSettings} from '../../src/lib/core/config.js'
import {createContextWindow, MODEL_INFO_TTL_MS, modelCachePath} from '../../src/lib/chat/model-info.js'
import {API, KEY, MODELS} from '../helpers/fixtures.js'
import {tempHome} from '../helpers/run.js'

const MODEL = MODELS.data[1] // gemma2-9b-it, context_window 8192
const DAY = MODEL_INFO_TTL_MS

/** A retrieve() that answers from a table and counts its calls. */
function fakeRetrieve(answers: Record<string, unknown>) {
  const calls: string[] = []
  const retrieve = async (model: string) => {
    calls.push(model)
    const answer = answers[model]
    if (answer instanceof Error) throw answer
    if (answer === undefined) throw new Error(`404 model ${model} not found`)
    return answer
  }
  return {calls, retrieve}
}

const readCache = (env: NodeJS.ProcessEnv) => JSON.parse(readFileSync(modelCachePath(env), 'utf8'))

describe('contextWindow: a cached lookup of the model context window', () => {
  it('asks the API once, caches the answer under $XDG_CACHE_HOME/groq/models.json (0600), then reads the cache', async () => {
    const {env} = tempHome()
    const {calls, retrieve} = fakeRetrieve({[MODEL.id]: MODEL})
    const lookup = createContextWindow({env, now: () => 1_000_000, retrieve})
    expect(await lookup(MODEL.id)).toBe(8192)
    expect(modelCachePath(env)).toBe(join(env.XDG_CACHE_HOME!, 'groq', 'models.json'))
    expect(readCache(env)).toEqual({
      entries: {'https://api.groq.com': {'gemma2-9b-it': {context_window: 8192, fetched_at: 1_000_000}}},
      version: 1,
    })
    expect(statSync(modelCachePath(env)).mode & 0o777).toBe(0o600)

    // A new process (a new lookup) within the day: no request.
    const again = createContextWindow({env, now: () => 1_000_000 + DAY - 1, retrieve})
    expect(await again(MODEL.id)).toBe(8192)
    expect(calls).toEqual([MODEL.id])
  })

  it('asks again once the entry is a day old, and keeps the other entries', async () => {
    const {env} = tempHome()
    const other = MODELS.data[0]
    const {calls, retrieve} = fakeRetrieve({[MODEL.id]: {...MODEL, context_window: 16_384}, [other.id]: other})
    await createContextWindow({env, now: () => 0, retrieve})(other.id)
    writeFileSync(
      modelCachePath(env),
      JSON.stringify({
        entries: {
          'https://api.groq.com': {
            [MODEL.id]: {context_window: 8192, fetched_at: 0},
            [other.id]: {context_window: 131_072, fetched_at: 0},
          },
        },
        version: 1,
      }),
    )
    const lookup = createContextWindow({env, now: () => DAY, retrieve})
    expect(await lookup(MODEL.id)).toBe(16_384)
    expect(calls).toEqual([other.id, MODEL.id])
    expect(readCache(env).entries['https://api.groq.com']).toEqual({
      [MODEL.id]: {context_window: 16_384, fetched_at: DAY},
      [other.id]: {context_window: 131_072, fetched_at: 0},
    })
  })

  it('keeps one cache per API base URL', async () => {
    const {env} = tempHome()
    const groq = fakeRetrieve({[MODEL.id]: MODEL})
    const local = fakeRetrieve({[MODEL.id]: {...MODEL, context_window: 4096}})
    expect(await createContextWindow({env, retrieve: groq.retrieve})(MODEL.id)).toBe(8192)
    expect(await createContextWindow({baseURL: 'http://127.0.0.1:9', env, retrieve: local.retrieve})(MODEL.id)).toBe(
      4096,
    )
    expect(await createContextWindow({env, retrieve: groq.retrieve})(MODEL.id)).toBe(8192)
    expect(groq.calls).toHaveLength(1)
    expect(Object.keys(readCache(env).entries).sort()).toEqual(['http://127.0.0.1:9', 'https://api.groq.com'])
  })

  it('never throws: an API error or a model without context_window gives undefined, and nothing is cached', async () => {
    const {env} = tempHome()
    const {calls, retrieve} = fakeRetrieve({
      'no-window': {id: 'no-window', object: 'model'},
      broken: new Error('ECONNREFUSED'),
    })
    const lookup = createContextWindow({env, retrieve})
    expect(await lookup('broken')).toBeUndefined()
    expect(await lookup('no-window')).toBeUndefined()
    expect(await lookup('missing')).toBeUndefined()
    expect(await lookup('no-window')).toBeUndefined()
    expect(calls).toEqual(['broken', 'no-window', 'missing', 'no-window'])
    expect(() => statSync(modelCachePath(env))).toThrow(/ENOENT/)
  })

  it('a corrupt cache file is a miss (and is replaced); an unwritable cache still gives the answer', async () => {
    const {env, root} = tempHome()
    mkdirSync(join(env.XDG_CACHE_HOME!, 'groq'), {recursive: true})
    writeFileSync(modelCachePath(env), '{"entries": ')
    const {retrieve} = fakeRetrieve({[MODEL.id]: MODEL})
    expect(await createContextWindow({env, retrieve})(MODEL.id)).toBe(8192)
    expect(readCache(env).entries['https://api.groq.com'][MODEL.id].context_window).toBe(8192)

    // XDG_CACHE_HOME is a file: the cache can be neither read nor written.
    const blocked = join(root, 'not-a-dir')
    writeFileSync(blocked, '')
    expect(await createContextWindow({env: {...env, XDG_CACHE_HOME: blocked}, retrieve})(MODEL.id)).toBe(8192)
  })

  it('with the real client: GET /openai/v1/models/{id}', async () => {
    const {env} = tempHome()
    const scope = nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .get('/openai/v1/models/gemma2-9b-it')
      .reply(200, MODEL)
    const settings = resolveSettings({'api-key': KEY}, env)
    const client = await createClient(settings, {env, userAgent: 'test'})
    const lookup = createContextWindow({env, retrieve: (model) => client.models.retrieve(model, {maxRetries: 0})})
    expect(await lookup('gemma2-9b-it')).toBe(8192)
    expect(scope.isDone()).toBe(true)
  })
})
