import nock from 'nock'
import {describe, expect, it} from 'vitest'

import Limits from '../../src/commands/limits.js'
import {
  forgetRateLimits,
  formatRateLimits,
  lastRateLimits,
  parseResetMs,
  readRateLimits,
  rememberRateLimits,
  retryHint,
} from '../../src/lib/core/rate-limits.js'
import {API, KEY} from '../helpers/fixtures.js'
import {run, tempHome} from '../helpers/run.js'

const env = () => ({...tempHome().env, GROQ_API_KEY: KEY})

const HEADERS = {
  'x-ratelimit-limit-requests': '14400',
  'x-ratelimit-limit-tokens': '6000',
  'x-ratelimit-remaining-requests': '14399',
  'x-ratelimit-remaining-tokens': '5990',
  'x-ratelimit-reset-requests': '6s',
  'x-ratelimit-reset-tokens': '100ms',
}
const COMPLETION = {
  choices: [{finish_reason: 'length', index: 0, message: {content: 'H', role: 'assistant'}}],
  object: 'chat.completion',
}
const headers = (record: Record<string, string>) => new Headers(record)

describe('rate-limit headers', () => {
  it('reads limits, remaining and resets; nothing when there are none', () => {
    expect(readRateLimits(headers(HEADERS))).toEqual({
      requests: {limit: 14_400, remaining: 14_399, reset: '6s'},
      tokens: {limit: 6000, remaining: 5990, reset: '100ms'},
    })
    expect(readRateLimits(headers({'content-type': 'application/json'}))).toBeUndefined()
    expect(formatRateLimits(readRateLimits(headers(HEADERS))!)).toBe(
      'rate limits: requests 14399/14400 (resets in 6s), tokens 5990/6000 (resets in 100ms)',
    )
  })

  it("says when to retry in the retry lines' words: retry-after first, else the reset of the exhausted limit", () => {
    forgetRateLimits()
    const now = Date.parse('2026-01-02T03:04:05Z')
    const hint = (record: Record<string, string>) => retryHint(headers(record), {now})
    expect(hint({...HEADERS, 'retry-after': '7'})).toBe('retry after 2026-01-02T03:04:12Z (in 7.0 s)')
    expect(hint({...HEADERS, 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2m59.56s'})).toBe(
      'retry after 2026-01-02T03:07:05Z (in 3 min)',
    )
    expect(hint({...HEADERS, 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '7.66s'})).toBe(
      'retry after 2026-01-02T03:04:13Z (in 7.7 s)',
    )
    // Both exhausted: the later reset.
    expect(
      hint({
        ...HEADERS,
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-requests': '1h2m',
        'x-ratelimit-reset-tokens': '7.66s',
      }),
    ).toBe('retry after 2026-01-02T04:06:05Z (in 1 h 2 min)')
    expect(retryHint(headers({...HEADERS, 'retry-after': '3600'}), {maxWaitMs: 60_000, now})).toBe(
      'retry after 2026-01-02T04:04:05Z (in 1 h, more than max_retry_wait 1 min, so not waited)',
    )
    expect(hint({})).toBeUndefined()
    expect(hint({'retry-after': '0.5'})).toBeUndefined() // under a second: "now"
    expect(parseResetMs('2m59.56s')).toBeCloseTo(179_560)
    expect(parseResetMs('100ms')).toBe(100)
    expect(parseResetMs('soon')).toBeUndefined()
  })

  it('a 429 that says nothing falls back to the limits last seen in the run, counted from when they came', () => {
    forgetRateLimits()
    const seen = Date.parse('2026-01-02T03:04:05Z')
    rememberRateLimits(
      headers({...HEADERS, 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '20s'}),
      seen,
    )
    expect(lastRateLimits()?.tokens).toEqual({limit: 6000, remaining: 0, reset: '20s'})
    expect(retryHint(headers({}), {now: seen + 5000})).toBe('retry after 2026-01-02T03:04:25Z (in 15.0 s)')
    forgetRateLimits()
  })
})

describe('limits', () => {
  it('makes one one-token completion per model and prints its limits (rows when piped)', async () => {
    const bodies: unknown[] = []
    nock(API, {reqheaders: {authorization: `Bearer ${KEY}`}})
      .post('/openai/v1/chat/completions', (body) => {
        bodies.push(body)
        return true
      })
      .times(2)
      .reply(200, COMPLETION, HEADERS)
    const result = await run(Limits, ['llama-3.1-8b-instant', 'openai/gpt-oss-20b'], {env: env()})
    expect(bodies).toEqual([
      {max_completion_tokens: 1, messages: [{content: 'hi', role: 'user'}], model: 'llama-3.1-8b-instant'},
      {max_completion_tokens: 1, messages: [{content: 'hi', role: 'user'}], model: 'openai/gpt-oss-20b'},
    ])
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout:
        'llama-3.1-8b-instant\t14399\t14400\t6s\t5990\t6000\t100ms\n' +
        'openai/gpt-oss-20b\t14399\t14400\t6s\t5990\t6000\t100ms\n',
    })
  })

  it('a table on a TTY; --json a list object; the default model is model.chat, then llama-3.3-70b-versatile', async () => {
    nock(API)
      .post('/openai/v1/chat/completions', (body) => body.model === 'llama-3.3-70b-versatile')
      .times(2)
      .reply(200, COMPLETION, HEADERS)
    const table = await run(Limits, ['--no-color'], {env: env(), stdoutTTY: true})
    expect(table.stdout).toBe(
      [
        'MODEL                    REQUESTS LEFT  REQUESTS/DAY  REQUESTS RESET  TOKENS LEFT  TOKENS/MIN  TOKENS RESET',
        'llama-3.3-70b-versatile  14,399         14,400        6s              5,990        6,000       100ms',
        '',
      ].join('\n'),
    )
    const json = await run(Limits, ['--json'], {env: env()})
    expect(JSON.parse(json.stdout)).toEqual({
      data: [
        {
          model: 'llama-3.3-70b-versatile',
          requests: {limit: 14_400, remaining: 14_399, reset: '6s'},
          tokens: {limit: 6000, remaining: 5990, reset: '100ms'},
        },
      ],
      object: 'list',
    })
  })

  it('refuses an empty model before any request (exit 2)', async () => {
    expect(await run(Limits, [''], {env: env()})).toEqual({
      exitCode: 2,
      stderr: 'Error: MODEL must not be empty\n',
      stdout: '',
    })
  })
})
