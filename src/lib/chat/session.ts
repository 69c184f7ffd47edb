import type {ConversationStore} from './conversations.js'
import {CliError} from '../core/errors.js'
import {ExitCode} from '../core/exit-codes.js'
import {OWN_FIELDS} from './params.js'
import type {ReplStore} from './repl-store.js'
import type {ChatMessage, ChatRequest, Conversation} from './types.js'

/**
 * The glue between `groq chat` and saved conversations: which conversation -c/--conversation
 * names, the request that continues it, and what is saved after the answer. The store itself
 * (src/lib/chat/conversations.ts) owns the files.
 */

/**
 * A request's parameters: everything but model, messages and the streaming fields (OWN_FIELDS: never saved in a
 * conversation's `params`, never taken from it).
 */
export function paramsOf(source: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).filter(([key]) => !(key in OWN_FIELDS)))
}

/**
 * The conversation `-c` continues: the most recently updated one, by the `updated_at` each file holds (never by file
 * times, which a copy, a restore or `touch` change). A conversation file that cannot be read and was modified after
 * that one may well be the conversation meant, so it is an error naming the file (the store's own), never skipped
 * silently. Older unreadable files are skipped. None at all: exit 4.
 *
 * Asked of the store's index as it is first (no stat per file); when the file it names no longer holds what the
 * index said (rewritten in place by hand) or it knows of none, asked again of the index verified against every file.
 */
export async function latestConversation(store: ConversationStore): Promise<Conversation> {
  return (await latestIn(store, true)) ?? (latestIn(store, false) as Promise<Conversation>)
}

/** latestConversation() from the index trusted or verified; undefined when the trusted one cannot be sure. */
async function latestIn(store: ConversationStore, trust: boolean): Promise<Conversation | undefined> {
  const {latest, unreadable} = await store.latestEntry({trust})
  const since = latest ? Date.parse(latest.updated_at) : Number.NEGATIVE_INFINITY
  // load() of an unreadable file throws, naming it (and if it was fixed meanwhile, it is just older).
  for (const file of unreadable) if (file.mtimeMs > since) await store.load(file.id)
  if (!latest) {
    if (trust) return undefined
    throw new CliError(
      'No saved conversation to continue: chats from a terminal are saved, others with --save (see: groq conversations list)',
      ExitCode.notFound,
    )
  }
  const conversation = await store.load(latest.id)
  return !trust || conversation.updated_at === latest.updated_at ? conversation : undefined
}

export interface ContinuedTurn {
  /** What is sent: the saved history, then this turn's messages; the flags' model and parameters win. */
  request: ChatRequest
  /** The messages this turn adds to the conversation (before the answer). */
  added: ChatMessage[]
}

/**
 * The request that continues `conversation`, from the request the flags built on their own
 * (`fresh`: model, parameters, -s and this turn's messages). Flags override the saved model and
 * parameters for this request only. `-s` (`hasSystem`: fresh.messages[0] is it) replaces the
 * saved system message in the request, or goes first when there is none; it is not saved.
 */
export function continueConversation(
  conversation: Conversation,
  fresh: ChatRequest,
  hasSystem: boolean,
): ContinuedTurn {
  const {messages, model, ...params} = fresh
  const system = hasSystem ? messages[0] : undefined
  const added = hasSystem ? messages.slice(1) : messages
  const history = conversation.messages
  const sentHistory = system ? [system, ...(history[0]?.role === 'system' ? history.slice(1) : history)] : history
  return {
    added,
    request: {...paramsOf(conversation.params), ...params, messages: [...sentHistory, ...added], model},
  }
}

/**
 * A store for the REPL that gives a new conversation the name from `--name` when it is first saved
 * (the REPL names conversations only through /save NAME).
 */
export function namingStore(store: ConversationStore, name: string | undefined): ReplStore {
  if (name === undefined) return store
  let pending: string | undefined = name
  return {
    create: (init) => store.create(init),
    load: (nameOrId) => {
      pending = undefined // a loaded conversation keeps its own name
      return store.load(nameOrId)
    },
    async save(conversation) {
      const named =
        pending !== undefined && conversation.name === undefined ? {...conversation, name: pending} : conversation
      await store.save(named)
      pending = undefined
      return named
    },
  }
}
