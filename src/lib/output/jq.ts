import {createRequire} from 'node:module'

import {UsageError} from '../core/errors.js'
import {formatJsonText} from './json-text.js'

/**
 * `--jq EXPR`: filters the JSON a command prints through jq itself (jq 1.8, compiled to WebAssembly by the jq-wasm
 * package), loaded only when the flag is given (~100-150 ms: compiling the wasm and jq's first run). Chosen over
 * jq-web (jq 1.7, fails on empty output), @jq-tools/jq and jqts (pure JS, 156/229 and 0/229 of the jq manual's
 * examples): jq-wasm passes 226 of 229 (the others need a newer builtin or the process environment).
 */

interface JqResult {
  exitCode: number
  stderr: string
  stdout: string
}

interface JqHandle {
  raw(input: string, query: string, flags?: string[]): JqResult
}

let handle: Promise<JqHandle> | undefined

function loadJq(): Promise<JqHandle> {
  handle ??= (createRequire(import.meta.url)('jq-wasm') as {loadJq(): Promise<JqHandle>}).loadJq()
  return handle
}

export interface JqFilter {
  /**
   * Runs the filter over JSON text: strings print raw (as `jq -r`), other values as JSON, one per line. A runtime
   * error comes back with the values printed before it (as jq prints them), as a usage error (exit 2).
   */
  apply(json: string, options: {color: boolean; indent: boolean}): {error?: UsageError; text: string}
}

/**
 * jq's message as our one error line: its first line (which names the line and column; jq 1.8 then quotes the
 * program with a caret under the spot), less the input name only jq's own command line has.
 */
function cleanMessage(stderr: string): string {
  return stderr.trim().split('\n')[0].replaceAll(' (at /dev/stdin:0)', '').replace(/:$/, '')
}

/**
 * Loads jq and checks that `expression` compiles, without running it (it is wrapped in a branch never taken, so a
 * filter like `range(1e9)` costs nothing here). A bad expression is a usage error (exit 2), found before any request.
 */
export async function compileJq(expression: string): Promise<JqFilter> {
  const jq = await loadJq()
  // The newlines keep a trailing `# comment` from swallowing the end of the wrapper.
  const check = jq.raw('null', `if false then (\n${expression}\n) else empty end`, ['-n'])
  if (check.exitCode !== 0) {
    // The message about the wrapped program would quote the wrapper: compile the expression alone for jq's own
    // words (it does not compile, so it does not run).
    const bare = jq.raw('null', expression, ['-n'])
    throw new UsageError(`--jq: ${cleanMessage(bare.exitCode === 0 ? check.stderr : bare.stderr)}`)
  }
  return {
    apply(json, options) {
      const result = jq.raw(json, expression, ['-c'])
      let out = ''
      // -c prints one value per line (strings keep their newlines escaped), so every line is one whole value.
      for (const line of result.stdout.split('\n')) {
        if (line === '') continue
        out += line.startsWith('"') ? (JSON.parse(line) as string) + '\n' : formatJsonText(line, options) + '\n'
      }
      if (result.exitCode !== 0) return {error: new UsageError(`--jq: ${cleanMessage(result.stderr)}`), text: out}
      return {text: out}
    },
  }
}
