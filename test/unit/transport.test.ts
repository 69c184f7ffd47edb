import {describe, expect, it} from 'vitest'

import {proxyFor} from '../../src/lib/transport.js'

describe('proxyFor', () => {
  const proxy = 'http://proxy.local:3128'

  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, lower case first', () => {
    const env = {HTTPS_PROXY: proxy, http_proxy: 'http://other:1'}
    expect(proxyFor('https://api.groq.com/openai/v1/models', env)).toBe(proxy)
    expect(proxyFor('http://127.0.0.1:4010/x', env)).toBe('http://other:1')
    expect(proxyFor('https://api.groq.com/', {HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1'})).toBe(
      'http://lower:1',
    )
  })

  it('falls back to ALL_PROXY, and is undefined with no proxy set', () => {
    expect(proxyFor('https://api.groq.com/', {ALL_PROXY: 'socks5://s:1080'})).toBe('socks5://s:1080')
    expect(proxyFor('https://api.groq.com/', {})).toBeUndefined()
  })

  it.each([
    ['*', true],
    ['groq.com', true],
    ['.groq.com', true],
    ['*.groq.com', true],
    ['api.groq.com:443', true],
    ['api.groq.com:8443', false],
    ['example.com, api.groq.com', true],
    ['roq.com', false],
    ['', false],
  ])('NO_PROXY=%j bypasses api.groq.com: %s', (noProxy, bypass) => {
    expect(proxyFor('https://api.groq.com/x', {HTTPS_PROXY: proxy, NO_PROXY: noProxy})).toBe(
      bypass ? undefined : proxy,
    )
  })
})
