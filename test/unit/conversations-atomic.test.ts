import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it, vi} from 'vitest'

import type {Conversation} from '../../src/lib/chat/types.js'
import {appendTurn, ConversationStore} from '../../src/lib/chat/conversations.js'
import {tempHome} from '../helpers/run.js'

// The disk fails on demand: half a write then ENOSPC, or a rename that fails. The real
// writeFileAtomic runs against it, so these tests check what a user would find on disk after.
const disk = vi.hoisted(() => ({fail: undefined as 'rename' | 'write' | undefined}))

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>()
  const failing = (code: string) => Object.assign(new Error(`${code}: simulated failure`), {code})
  return {
    ...actual,
    async open(...args: Parameters<typeof actual.open>) {
      const handle = await actual.open(...args)
      if (disk.fail !== 'write') return handle
      return new Proxy(handle, {
        get(target, property) {
          if (property === 'writeFile') {
            return async (data: string) => {
              await target.writeFile(data.slice(0, Math.floor(data.length / 2)))
              throw failing('ENOSPC')
            }
          }
          const value = Reflect.get(target, property)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    },
    async rename(...args: Parameters<typeof actual.rename>) {
      if (disk.fail === 'rename') throw failing('EIO')
      return actual.rename(...args)
    },
  }
})

afterEach(() => {
  disk.fail = undefined
})

const T0 = new Date('2026-01-02T03:04:05.000Z')

async function savedConversation(): Promise<{conversation: Conversation; path: string; store: ConversationStore}> {
  const store = ConversationStore.fromEnv(tempHome().env, {now: () => T0})
  const conversation = appendTurn(await store.create({model: 'm'}), {messages: [{content: 'first', role: 'user'}]}, T0)
  await store.save(conversation)
  return {conversation, path: join(store.dir, `${conversation.id}.json`), store}
}

describe('saving is atomic', () => {
  for (const fail of ['write', 'rename'] as const) {
    it(`a ${fail} failure leaves the previous file whole and no temp file behind`, async () => {
      const {conversation, path, store} = await savedConversation()
      const before = readFileSync(path, 'utf8')
      disk.fail = fail
      const next = appendTurn(conversation, {messages: [{content: 'x'.repeat(10_000), role: 'user'}]}, T0)
      await expect(store.save(next)).rejects.toMatchObject({code: fail === 'write' ? 'ENOSPC' : 'EIO'})
      expect(readFileSync(path, 'utf8')).toBe(before)
      expect(readdirSync(store.dir)).toEqual([`${conversation.id}.json`])
      disk.fail = undefined
      expect(await store.load(conversation.id)).toEqual(conversation)
    })

    it(`a ${fail} failure on a new conversation leaves no file at all`, async () => {
      const {store} = await savedConversation()
      const fresh = await store.create({model: 'm'})
      disk.fail = fail
      await expect(store.save(fresh)).rejects.toThrow(/simulated failure/)
      expect(readdirSync(store.dir).filter((entry) => entry.includes(fresh.id))).toEqual([])
    })
  }

  it('the simulated disk really fails half-way (so the tests above can tell)', async () => {
    const {open} = await import('node:fs/promises')
    const {root} = tempHome()
    const path = join(root, 'half.txt')
    disk.fail = 'write'
    const handle = await open(path, 'w')
    await expect(handle.writeFile('abcdef')).rejects.toThrow(/ENOSPC/)
    await handle.close()
    expect(readFileSync(path, 'utf8')).toBe('abc')
  })
})
