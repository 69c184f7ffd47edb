import type {Conversation} from '../../src/lib/chat/types.js'

/** Models as Groq returns them (from the examples in Groq's OpenAPI spec). */
export const MODELS = {
  data: [
    {
      active: true,
      context_window: 131_072,
      created: 1_693_721_698,
      id: 'llama-3.1-8b-instant',
      object: 'model',
      owned_by: 'Meta',
      public_apps: null,
    },
    {
      active: true,
      context_window: 8192,
      created: 1_693_721_698,
      id: 'gemma2-9b-it',
      object: 'model',
      owned_by: 'Google',
      public_apps: null,
    },
    {
      active: false,
      context_window: 448,
      created: 1_728_413_088,
      id: 'whisper-large-v3-turbo',
      object: 'model',
      owned_by: 'OpenAI',
      public_apps: null,
    },
  ],
  object: 'list',
}

export const API = 'https://api.groq.com'
export const KEY = 'gsk_test_0123456789abcdef'

/**
 * What `conversations list --json` (and search) print of a saved conversation with this title: written out here, not
 * taken from the code, so the tests that compare with it can fail.
 */
export const expectedSummary = (conversation: Conversation, title: string) => ({
  created_at: conversation.created_at,
  id: conversation.id,
  messages: conversation.messages.length,
  model: conversation.model,
  name: conversation.name ?? null,
  title,
  updated_at: conversation.updated_at,
  usage: conversation.usage,
})
