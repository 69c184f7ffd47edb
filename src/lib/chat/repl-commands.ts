import {describeError} from '../core/errors.js'
import {formatCount} from './repl-budget.js'
import {paramName, parseParam} from './repl-params.js'
import type {ReplSession} from './repl.js'
import {paramsOf} from './session.js'
import {contentText} from './transcript.js'

/** The REPL's slash commands: /help lists them; each reads and changes the session it is given. */

export const REPL_COMMANDS = [
  '/clear',
  '/exit',
  '/help',
  '/history',
  '/load',
  '/model',
  '/quit',
  '/retry',
  '/save',
  '/set',
  '/system',
  '/undo',
  '/unset',
] as const

const HELP = `Commands:
  /help                this list
  /system [TEXT | -]   show, set or remove (-) the system message
  /model [NAME]        show or switch the model
  /set [NAME [VALUE]]  show parameters, or set one: /set temperature 0.2
  /unset NAME          drop a parameter (the API default applies)
  /clear               forget the history (the system message stays)
  /retry               ask the last question again
  /undo                drop the last question and its answer
  /save [NAME]         save the conversation (as NAME)
  /load NAME           continue a saved conversation
  /history             show the conversation so far
  /exit                quit (or Ctrl-D, or Ctrl-C at an empty prompt)
Input: end a line with \\ to go on to the next; """ opens and closes a multi-line block;
//text sends "/text". Ctrl-C stops an answer and keeps what arrived (/undo drops it).`

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

const shorten = (text: string, length = 60) => {
  const line = text.replaceAll(/\s+/g, ' ').trim()
  return line.length > length ? `${line.slice(0, length - 1)}…` : line
}

/** Tab completes slash commands. */
export function complete(line: string): [string[], string] {
  if (!line.startsWith('/') || /\s/.test(line)) return [[], line]
  const hits = REPL_COMMANDS.filter((command) => command.startsWith(line))
  return [hits.length > 0 ? [...hits] : [...REPL_COMMANDS], line]
}

/** Runs one slash command; true means quit. */
export async function runCommand(session: ReplSession, line: string): Promise<boolean> {
  const [, rawName, rawArg] = /^\/(\S*)\s*([\s\S]*)$/.exec(line) as RegExpExecArray
  const name = rawName.toLowerCase()
  const arg = rawArg.trim()
  try {
    switch (name) {
      case 'exit':
      case 'quit': {
        return true
      }
      case '?':
      case 'help': {
        session.say(HELP)
        break
      }
      case 'clear': {
        clear(session)
        break
      }
      case 'history': {
        history(session)
        break
      }
      case 'load': {
        await load(session, arg)
        break
      }
      case 'model': {
        await switchModel(session, arg)
        break
      }
      case 'retry': {
        await retry(session)
        break
      }
      case 'save': {
        session.say(`Saved as ${await session.saved.save(session, arg)}.`)
        break
      }
      case 'set': {
        await set(session, arg)
        break
      }
      case 'system': {
        await system(session, arg)
        break
      }
      case 'undo': {
        await undo(session)
        break
      }
      case 'unset': {
        await unset(session, arg)
        break
      }
      default: {
        session.error(`Unknown command /${rawName}: /help lists them; start with // to send text that begins with /.`)
      }
    }
  } catch (error) {
    session.error(describeError(error).message)
  }
  return false
}

function clear(session: ReplSession): void {
  const {saved} = session
  const previous = saved.store && saved.id ? (saved.name ?? saved.id) : undefined
  let keep = 0
  while (
    keep < session.messages.length &&
    (session.messages[keep].role === 'system' || session.messages[keep].role === 'developer')
  )
    keep++
  session.messages = session.messages.slice(0, keep)
  saved.reset()
  session.budget.forget()
  session.lastFailed = undefined
  session.say(
    `History cleared${keep ? ' (the system message stays)' : ''}.${previous ? ` The previous conversation stays saved as ${previous}.` : ''}`,
  )
}

function history(session: ReplSession): void {
  const shown = session.messages.filter((message) => message.role !== 'system' || contentText(message.content))
  if (shown.length === 0) {
    session.say('No messages yet.')
    return
  }
  for (const message of shown) session.say(`${session.paint('1', `${message.role}:`)} ${contentText(message.content)}`)
  const {count, exact} = session.budget.tokens(session.messages)
  session.say(
    session.paint('2', `(${plural(shown.length, 'message')}, ${exact ? '' : '~'}${formatCount(count)} tokens)`),
  )
}

async function load(session: ReplSession, nameOrId: string): Promise<void> {
  const store = session.saved.requireStore('/load')
  if (!nameOrId) throw new Error('Usage: /load NAME (a saved conversation, by name or id)')
  const conversation = await store.load(nameOrId)
  if (!conversation || !Array.isArray(conversation.messages) || typeof conversation.model !== 'string') {
    throw new Error(`${nameOrId} is not a conversation this REPL can read`)
  }
  session.messages = [...conversation.messages]
  session.model = conversation.model
  session.params = paramsOf(conversation.params ?? {})
  session.saved.adopt(conversation)
  session.budget.forget()
  session.lastFailed = undefined
  const count = session.messages.filter((message) => message.role !== 'system').length
  session.say(`Loaded ${conversation.name ?? conversation.id}: ${plural(count, 'message')}, model ${session.model}.`)
  await session.checkNearLimit()
}

async function switchModel(session: ReplSession, model: string): Promise<void> {
  if (!model) {
    const window = await session.budget.windowFor(session.model)
    session.say(`Model: ${session.model}${window ? ` (context window ${formatCount(window)} tokens)` : ''}`)
    return
  }
  if (/\s/.test(model)) throw new Error(`A model name has no spaces: ${model}`)
  session.model = model
  session.say(`Model: ${model}`)
  await session.persist()
  await session.checkNearLimit()
}

async function retry(session: ReplSession): Promise<void> {
  const {messages} = session
  if (session.lastFailed !== undefined && messages.at(-1)?.role !== 'user') {
    const question = session.lastFailed
    session.lastFailed = undefined
    messages.push({content: question, role: 'user'})
    session.note(`Sending again: ${shorten(question)}`)
    await session.runTurn()
    return
  }
  const last = messages.findLastIndex((message) => message.role === 'user')
  if (last < 0) {
    session.say('Nothing to retry.')
    return
  }
  messages.splice(last + 1)
  session.note(`Asking again: ${shorten(contentText(messages[last].content))}`)
  await session.runTurn()
}

async function set(session: ReplSession, arg: string): Promise<void> {
  const {params} = session
  if (!arg) {
    const entries = Object.entries(params)
    if (entries.length === 0) session.say('No parameters set: the API defaults apply. /set NAME VALUE sets one.')
    for (const [key, value] of entries) session.say(`${key} = ${JSON.stringify(value)}`)
    return
  }
  const [, rawName, rawValue] = /^(\S+)\s*([\s\S]*)$/.exec(arg) as RegExpExecArray
  if (rawValue.trim() === '') {
    const key = paramName(rawName)
    session.say(key in params ? `${key} = ${JSON.stringify(params[key])}` : `${key} is not set.`)
    return
  }
  const {known, name, value} = parseParam(rawName, rawValue)
  params[name] = value
  session.say(`${name} = ${JSON.stringify(value)}`)
  if (!known) session.note(`${name} is not a parameter Groq documents: it is sent as given.`)
  await session.persist()
}

async function unset(session: ReplSession, arg: string): Promise<void> {
  if (!arg) throw new Error('Usage: /unset NAME')
  const param = paramName(arg)
  if (!(param in session.params)) {
    session.say(`${param} is not set.`)
    return
  }
  delete session.params[param]
  session.say(`${param} unset: the API default applies.`)
  await session.persist()
}

async function system(session: ReplSession, text: string): Promise<void> {
  const {messages} = session
  const index = messages.findIndex((message) => message.role === 'system')
  if (!text) {
    session.say(
      index < 0 ? 'No system message. /system TEXT sets one.' : `system: ${contentText(messages[index].content)}`,
    )
    return
  }
  if (text === '-') {
    if (index >= 0) messages.splice(index, 1)
    session.say(index >= 0 ? 'System message removed.' : 'No system message.')
  } else {
    if (index >= 0) messages[index] = {...messages[index], content: text}
    else messages.unshift({content: text, role: 'system'})
    session.say('System message set.')
  }
  session.budget.forget()
  await session.persist()
}

async function undo(session: ReplSession): Promise<void> {
  const {messages} = session
  const last = messages.findLastIndex((message) => message.role === 'user')
  session.lastFailed = undefined
  if (last < 0) {
    session.say('Nothing to undo.')
    return
  }
  const question = contentText(messages[last].content)
  messages.splice(last)
  session.budget.forget(messages.length)
  const left = messages.filter((message) => message.role !== 'system').length
  session.say(`Dropped the last exchange ("${shorten(question, 40)}"); ${plural(left, 'message')} left.`)
  await session.persist()
}
