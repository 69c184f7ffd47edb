import {readFileSync} from 'node:fs'
import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Chat from '../../src/commands/chat.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/chat/${name}`, import.meta.url), 'utf8')
const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})
const PATH = '/openai/v1/chat/completions'
const SSE_HEADERS = {'content-type': 'text/event-stream'}

describe('chat smoke', () => {
  it('streams', async () => {
    let body: unknown
    nock(API).post(PATH, (b) => ((body = b), true)).reply(200, fixture('basic.sse'), SSE_HEADERS)
    const result = await run(Chat, ['hello'], {env: env()})
    console.log(result, body)
  })
})
