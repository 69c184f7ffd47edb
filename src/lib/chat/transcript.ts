import type {ChatMessage, Conversation} from './types.js'

/**
 * Conversations as people read them: the text of a message, a plain transcript (`groq conversations show`, the
 * REPL's /history) and a Markdown document (`groq conversations export --format markdown`).
 */

/**
 * The text of a message's content: a string as it is; content parts as their text, one a line, and (unless
 * `textOnly`, for text to send again) images as a placeholder and other parts as JSON.
 */
export function contentText(content: ChatMessage['content'] | undefined, textOnly = false): string {
  if (content === null || content === undefined) return ''
  if (typeof content === 'string') return content
  return content
    .map((part) => {
      const value = part as {image_url?: {url?: string}; text?: unknown; type?: string}
      if (value?.type === 'text' && typeof value.text === 'string') return value.text
      if (textOnly) return undefined
      if (value?.type === 'image_url') {
        const url = value.image_url?.url ?? ''
        return url.startsWith('data:')
          ? `[image: ${url.slice(0, url.indexOf(',') + 1 || 30)}… (${url.length} chars)]`
          : `[image: ${url}]`
      }
      return JSON.stringify(part)
    })
    .filter((text) => text !== undefined)
    .join('\n')
}

interface ToolCall {
  function?: {arguments?: string; name?: string}
  id?: string
}

const toolCalls = (message: ChatMessage): ToolCall[] =>
  Array.isArray(message.tool_calls) ? (message.tool_calls as ToolCall[]) : []
const describeCall = (call: ToolCall) => `${call.function?.name ?? '?'}(${call.function?.arguments ?? ''})`

/** A plain-text transcript: a `[role]` header line, then the content, a blank line between messages. */
export function toTranscript(conversation: Conversation, bold: (text: string) => string = (text) => text): string {
  return conversation.messages
    .map((message) => {
      const header =
        message.role === 'tool' && typeof message.tool_call_id === 'string'
          ? `[tool ${message.tool_call_id}]`
          : `[${message.role}]`
      const lines = [bold(header)]
      const body = contentText(message.content)
      if (body) lines.push(body)
      for (const call of toolCalls(message)) lines.push(`-> ${describeCall(call)}`)
      return lines.join('\n') + '\n'
    })
    .join('\n')
}

/** A code fence longer than any run of backticks inside the text. */
function fence(body: string, lang = ''): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length))
  const marks = '`'.repeat(Math.max(3, longest + 1))
  return `${marks}${lang}\n${body}\n${marks}`
}

const ROLE_TITLES: Record<string, string> = {
  assistant: 'Assistant',
  developer: 'Developer',
  system: 'System',
  tool: 'Tool',
  user: 'User',
}

/** The conversation as a Markdown document: a title, its metadata, then one section per message. */
export function toMarkdown(conversation: Conversation): string {
  const {usage} = conversation
  const meta = [
    `- id: \`${conversation.id}\``,
    `- model: \`${conversation.model}\``,
    `- created: ${conversation.created_at}`,
    `- updated: ${conversation.updated_at}`,
  ]
  if (Object.keys(conversation.params).length > 0) meta.push(`- parameters: \`${JSON.stringify(conversation.params)}\``)
  meta.push(`- tokens: ${usage.total_tokens} (prompt ${usage.prompt_tokens}, completion ${usage.completion_tokens})`)
  const sections = conversation.messages.map((message) => {
    let title = ROLE_TITLES[message.role] ?? message.role
    if (message.role === 'tool' && typeof message.tool_call_id === 'string') title += ` (\`${message.tool_call_id}\`)`
    const parts = [`## ${title}`]
    const body = contentText(message.content)
    // Tool results are data, not prose: fence them so they render as they were.
    if (body) parts.push(message.role === 'tool' ? fence(body) : body)
    for (const call of toolCalls(message)) {
      parts.push(
        `Tool call \`${call.function?.name ?? '?'}\`${call.id ? ` (\`${call.id}\`)` : ''}:\n\n${fence(call.function?.arguments ?? '', 'json')}`,
      )
    }
    return parts.join('\n\n')
  })
  const title = conversation.name ?? `Conversation ${conversation.id}`
  return [`# ${title}`, meta.join('\n'), ...sections].join('\n\n') + '\n'
}
