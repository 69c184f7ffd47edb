import {closest, quotedAlternatives} from './suggest.js'

/**
 * oclif's parse errors (a missing argument, an unexpected one, an unknown flag, a value that is not an integer or
 * not among the options, a flag without its value) in our one-line style: what is wrong, naming the argument or
 * flag, the allowed values, and where to look: `See "groq models list --help".`
 */

export interface CommandContext {
  /** The spaced id: `models list`. */
  command: string
  /** The executable's name: `groq`. */
  bin: string
  /** The command's flag names, without dashes (for "did you mean" on an unknown flag). */
  flagNames: string[]
}

interface ParseErrorLike {
  args?: {description?: string; name?: string}[] | string[]
  flags?: string[]
  message: string
  oclif?: {exit?: number}
}

/** True for the errors oclif's parser throws (they carry oclif's exit code and are not ours). */
export function isParseError(error: unknown): error is ParseErrorLike {
  return error instanceof Error && 'oclif' in error && (error as ParseErrorLike).oclif?.exit !== 0
}

const unquote = (text: string) => text.replace(/^"(.*)"$/, '$1')

/** The rewritten message (without "Error: "), or undefined when the error is not one oclif's parser throws. */
export function rewriteParseError(error: ParseErrorLike, context: CommandContext): string | undefined {
  const message = error.message.replace(/\n?See more help with --help\s*$/, '').trim()
  const see = `See "${context.bin} ${context.command} --help".`
  const lines = message.split('\n').map((line) => line.trim())
  const first = lines[0]
  let match: RegExpExecArray | null

  if ((match = /^Missing \d+ required args?/.exec(first))) {
    const args = (error.args ?? []).filter(
      (arg): arg is {description?: string; name: string} => typeof arg === 'object',
    )
    const named = args.map((arg) => `${arg.name.toUpperCase()}${arg.description ? ` (${arg.description})` : ''}`)
    const noun = named.length === 1 ? 'argument' : 'arguments'
    return `missing ${noun} ${named.join(', ') || 'argument'}. ${see}`
  }
  if ((match = /^Unexpected arguments?: (.*)$/.exec(first))) {
    const args = match[1].split(', ')
    return `unexpected argument${args.length === 1 ? '' : 's'} ${args.map((arg) => `"${arg}"`).join(', ')}. ${see}`
  }
  if ((match = /^Nonexistent flags?: (.*)$/.exec(first))) {
    const flags = match[1].split(', ')
    const [flag] = flags
    const nearest = closest(flag.replace(/^-+/, ''), context.flagNames).map((name) => `--${name}`)
    const hint = flags.length === 1 && nearest.length > 0 ? ` Did you mean ${quotedAlternatives(nearest)}?` : ''
    return `unknown flag${flags.length === 1 ? '' : 's'} ${flags.join(', ')}.${hint} ${see}`
  }
  if ((match = /^Expected --([^=\s]+)=(.*) to be one of: (.*)$/.exec(first))) {
    return `--${match[1]}: "${match[2]}" is not one of ${match[3]}. ${see}`
  }
  if ((match = /^Expected (.*) to be one of: (.*)$/.exec(first))) {
    return `"${unquote(match[1])}" is not one of ${match[2]}. ${see}`
  }
  if ((match = /^Parsing --(\S+)$/.exec(first)) && lines[1]) {
    const flag = `--${match[1]}`
    const inner = lines.slice(1).join(' ')
    // Our own flag parsers already name the flag.
    if (inner.startsWith(flag)) return `${inner.replace(/\.?$/, '.')} ${see}`
    const value = /but received: (.*)$/.exec(inner)
    if (value) {
      const expected = inner
        .slice(0, value.index)
        .replace(/^Expected /, 'expected ')
        .trim()
      return `${flag}: ${expected}, got "${value[1]}". ${see}`
    }
    return `${flag}: ${inner.charAt(0).toLowerCase()}${inner.slice(1).replace(/\.?$/, '.')} ${see}`
  }
  if ((match = /^Flag --(\S+) expects a value$/.exec(first))) return `--${match[1]} needs a value. ${see}`
  if (/^The following errors? occurred:/.test(first)) {
    // oclif dims these lines; the message is one line here, without colour.
    // eslint-disable-next-line no-control-regex
    const reasons = lines.slice(1).map((line) => line.replaceAll(/\u001B\[[0-9;]*m/g, ''))
    return `${reasons.join('; ').replace(/\.?$/, '.')} ${see}`
  }
  return undefined
}
