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
