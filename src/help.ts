import {createRequire} from 'node:module'

import type {Interfaces} from '@oclif/core'
import type * as OclifHelp from '@oclif/core/help'

// Start-up (bench/STARTUP.md): require() rather than import. An ES module importing CommonJS makes Node 20 start its
// export scanner (~7 ms), and `import ... from '@oclif/core'` would also evaluate all of oclif (parser, flags, ...)
// for every --help. Same module, same class.
const {Help} = createRequire(import.meta.url)('@oclif/core/help') as typeof OclifHelp

/** Examples for `groq --help`: the first things a new user runs. */
const ROOT_EXAMPLES = [
  'groq auth login',
  'groq models list',
  "groq models list --json | jq -r '.data[].id'",
  'groq chat "Explain TCP slow start in two sentences"',
  'git diff --staged | groq chat "write a commit message"',
  'groq chat -i',
  'groq transcribe meeting.m4a -f srt > meeting.srt',
]

/**
 * oclif's help shows examples only on a command's own page; a user who types `groq --help` or
 * `groq models --help` should see some too. Topic examples are the first example of each command in it,
 * so they never drift from the commands'.
 */
export default class GroqHelp extends Help {
  protected async showRootHelp(): Promise<void> {
    await super.showRootHelp()
    this.logExamples(ROOT_EXAMPLES)
  }

  protected async showTopicHelp(topic: Interfaces.Topic): Promise<void> {
    await super.showTopicHelp(topic)
    // Ids here may use the display separator (`models list`) or the internal one (`models:list`).
    const prefixes = [`${topic.name}:`, `${topic.name}${this.config.topicSeparator}`]
    const examples = this.sortedCommands
      .filter((command) => prefixes.some((prefix) => command.id.startsWith(prefix)) && !command.hidden)
      .map((command) => {
        const first = command.examples?.[0]
        return typeof first === 'string' ? first : first?.command
      })
      .filter((example): example is string => Boolean(example))
      .map((example) => example.replaceAll('<%= config.bin %>', this.config.bin))
    this.logExamples(examples)
  }

  private logExamples(examples: string[]): void {
    if (examples.length === 0) return
    this.log(this.section('EXAMPLES', examples.map((example) => `$ ${example}`).join('\n')))
  }
}
