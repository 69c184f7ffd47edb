import {PassThrough} from 'node:stream'
import {afterEach, describe, expect, it} from 'vitest'

import {commandNotFound, type NotFoundConfig} from '../../src/hooks/command-not-found.js'
import ConfigGet from '../../src/commands/config/get.js'
import ModelsList from '../../src/commands/models/list.js'
import {setIO} from '../../src/lib/core/io.js'
import {closest, editDistance} from '../../src/lib/core/suggest.js'
import {rewriteParseError} from '../../src/lib/core/usage-errors.js'
import {run} from '../helpers/run.js'

const context = {bin: 'groq', command: 'models list', flagNames: ['json', 'jq', 'output', 'max-retries']}
const parseError = (message: string, extra: object = {}) =>
  Object.assign(new Error(`${message}\nSee more help with --help`), {oclif: {exit: 2}}, extra)

describe('rewriteParseError', () => {
  it.each([
    [
      parseError('Missing 1 required arg:\nmodel  model id', {args: [{description: 'model id', name: 'model'}]}),
      'missing argument MODEL (model id). See "groq models list --help".',
    ],
    [parseError('Unexpected arguments: a, b'), 'unexpected arguments "a", "b". See "groq models list --help".'],
    [
      parseError('Nonexistent flag: --jsno'),
      'unknown flag --jsno. Did you mean "--json"? See "groq models list --help".',
    ],
    [parseError('Nonexistent flag: --zzzzzz'), 'unknown flag --zzzzzz. See "groq models list --help".'],
    [
      parseError('Expected --output=xml to be one of: json, table'),
      '--output: "xml" is not one of json, table. See "groq models list --help".',
    ],
    [
      parseError('Parsing --max-retries \n\tExpected an integer less than or equal to 10 but received: 99'),
      '--max-retries: expected an integer less than or equal to 10, got "99". See "groq models list --help".',
    ],
    [parseError('Flag --output expects a value'), '--output needs a value. See "groq models list --help".'],
    [
      parseError('The following error occurred:\n  \u001B[2m--a cannot also be provided when using --b\u001B[22m'),
      '--a cannot also be provided when using --b. See "groq models list --help".',
    ],
  ])('%s', (error, expected) => {
    expect(rewriteParseError(error, context)).toBe(expected)
  })

  it('leaves errors it does not know alone', () => {
    expect(rewriteParseError(parseError('Something else'), context)).toBeUndefined()
  })

  it('is what a command prints: one line, exit 2', async () => {
    // oclif sets a command's id from the manifest; a class run directly would be named after its class.
    ConfigGet.id = 'config:get'
    ModelsList.id = 'models:list'
    expect(await run(ConfigGet, [])).toEqual({
      exitCode: 2,
      stderr: 'Error: missing argument KEY (setting name). See "groq config get --help".\n',
      stdout: '',
    })
    expect(await run(ModelsList, ['-o', 'yaml'])).toEqual({
      exitCode: 2,
      stderr: 'Error: --output: "yaml" is not one of json, table, plain, ndjson. See "groq models list --help".\n',
      stdout: '',
    })
  })
})

describe('closest', () => {
  it('finds typos by edits, swaps included, and only the nearest', () => {
    expect(editDistance('modles', 'models')).toBe(1)
    expect(closest('model list', ['models list', 'models get', 'model'])).toEqual(['models list'])
    expect(closest('xyz', ['models list'])).toEqual([])
  })
})

describe('the command_not_found hook', () => {
  afterEach(() => setIO(undefined))

  function fakeConfig(ran: string[][]): NotFoundConfig {
    return {
      bin: 'groq',
      commandIDs: ['models:list', 'models:get', 'secret:thing'],
      commands: [{id: 'models:list'}, {id: 'models:get'}, {hidden: true, id: 'secret:thing'}],
      async runCommand(id, argv = []) {
        ran.push([id, ...argv])
        return 'ran'
      },
      topics: [{name: 'models'}],
    }
  }

  function capture(stdinTTY: boolean) {
    const stderr = new PassThrough()
    let text = ''
    stderr.on('data', (data) => (text += data))
    setIO({env: {}, stderr, stdin: Object.assign(new PassThrough(), {isTTY: stdinTTY}), stdout: new PassThrough()})
    return () => text
  }

  it('prints our line with the spaced id and the nearest command, and throws for exit 2 (not 0, not 127)', async () => {
    const stderr = capture(false)
    const ran: string[][] = []
    const error = await commandNotFound({argv: [], config: fakeConfig(ran), id: 'model:list'}).catch((error_) => error_)
    expect(stderr()).toBe('Error: unknown command "model list". Did you mean "models list"?\n')
    expect(error).toMatchObject({oclif: {exit: 2}, skipOclifErrorHandling: true})
    expect(ran).toEqual([])
  })

  it('never suggests a hidden command', async () => {
    const stderr = capture(false)
    await commandNotFound({config: fakeConfig([]), id: 'secret:thin'}).catch(() => {})
    expect(stderr()).toBe('Error: unknown command "secret thin". See "groq --help".\n')
  })
})
