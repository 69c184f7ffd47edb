import nock from 'nock'
import {afterAll, afterEach, beforeEach, expect} from 'vitest'

import {removeTempHomes} from './helpers/run.js'

// No test may reach the internet; local servers that tests start (Prism, SSE, proxies) are allowed.
nock.disableNetConnect()
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/)

beforeEach(() => {
  process.exitCode = undefined
})

afterEach(() => {
  const pending = nock.pendingMocks()
  nock.cleanAll()
  process.exitCode = undefined
  expect(pending, 'every nock interceptor must be used').toEqual([])
})

afterAll(() => removeTempHomes())
