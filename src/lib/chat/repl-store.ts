import {addUsage, emptyUsage, newConversationId} from './conversations.js'
import type {ChatMessage, Conversation, Usage} from './types.js'

/**
 * Where /save, /load and the autosave after every turn keep conversations. The ConversationStore
 * of src/lib/chat/conversations.ts fits as it is.
 */
export interface ReplStore {
  /** A new conversation in memory (its id and created_at are used); without it, ids come from newId. */
  create?(init: {messages: ChatMessage[]; model: string; params: Record<string, unknown>}): Promise<Conversation>
  /** Finds a conversation by name or id; rejects (one-line message) when there is none. */
  load(nameOrId: string): Promise<Conversation>
  /** Creates or replaces the conversation with this id; may return the stored copy (its id and name win). */
  save(conversation: Conversation): Promise<Conversation | void>
}

/** What the REPL holds of a conversation: what is saved besides identity and usage. */
export interface ReplState {
  messages: ChatMessage[]
  model: string
  params: Record<string, unknown>
}

/**
 * The REPL's persistence: which saved conversation the session is (id, name, created_at), its summed usage,
 * whether it is saved as it goes (autosave), and writing it to the store.
 */
export class ReplPersistence {
  /** Whether changes are saved as they happen. */
  autosave: boolean
  createdAt?: string
  id?: string
  name?: string
  usage: Usage

  constructor(
    readonly store: ReplStore | undefined,
    private readonly options: {
      /** False: nothing is written until /save; default true. */
      autosave?: boolean
      conversation?: Pick<Conversation, 'id'> & Partial<Pick<Conversation, 'created_at' | 'name' | 'usage'>>
      newId?: () => string
    },
  ) {
    this.id = options.conversation?.id
    this.name = options.conversation?.name
    this.createdAt = options.conversation?.created_at
    this.usage = {...emptyUsage(), ...options.conversation?.usage}
    this.autosave = options.autosave ?? true
  }

  /** The store, or an error naming the command that needs one. */
  requireStore(command: string): ReplStore {
    if (!this.store) throw new Error(`${command} needs a conversation store, and there is none here`)
    return this.store
  }

  addUsage(usage: Usage): void {
    this.usage = addUsage(this.usage, usage) as Usage
  }

  /** /clear: a fresh conversation, so autosave does not overwrite the one just cleared. */
  reset(): void {
    this.id = undefined
    this.name = undefined
    this.createdAt = undefined
    this.usage = emptyUsage()
    this.autosave = this.options.autosave ?? true
  }

  /** /load: the session is now this saved conversation. */
  adopt(conversation: Conversation): void {
    this.id = conversation.id
    this.name = conversation.name
    this.createdAt = conversation.created_at
    this.usage = {...emptyUsage(), ...conversation.usage}
  }

  /** Writes the conversation now (a new one gets its id first). */
  async write(state: ReplState): Promise<void> {
    const store = this.requireStore('/save')
    if (!this.id && store.create) {
      const created = await store.create({messages: [], model: state.model, params: {}})
      this.id = created.id
      this.createdAt = created.created_at
    }
    const stored = await store.save(this.snapshot(state))
    if (stored) {
      this.id = stored.id ?? this.id
      this.name = stored.name ?? this.name
      this.createdAt = stored.created_at ?? this.createdAt
    }
  }

  /** /save [NAME]: writes it (as NAME), and from then on keeps it up to date. */
  async save(state: ReplState, name: string): Promise<string> {
    this.requireStore('/save')
    const previous = this.name
    if (name) this.name = name
    try {
      await this.write(state)
    } catch (error) {
      this.name = previous
      throw error
    }
    this.autosave = true
    return (this.name ?? this.id) as string
  }

  /** Autosave, after every turn and every change, once the conversation has an answer (or a file). */
  shouldSave(state: ReplState): boolean {
    if (!this.store || !this.autosave) return false
    return Boolean(this.id) || state.messages.some((message) => message.role === 'assistant')
  }

  private snapshot(state: ReplState): Conversation {
    const now = new Date().toISOString()
    this.id ??= (this.options.newId ?? newConversationId)()
    this.createdAt ??= now
    return {
      version: 1,
      id: this.id,
      ...(this.name ? {name: this.name} : {}),
      model: state.model,
      created_at: this.createdAt,
      updated_at: now,
      params: {...state.params},
      messages: [...state.messages],
      usage: {...this.usage},
    }
  }
}
