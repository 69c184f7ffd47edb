import {createRequire} from 'node:module'
import {format} from 'node:util'

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
  /** The page being rendered, while showHelp() collects it for the pager. */
  private page?: string[]

  /**
   * On a terminal the page is collected and, when taller than the screen, goes through the pager, as the pages the
   * build rendered do (bin/run.js) and as command output does (ux/pager.ts). This class loads only when oclif
   * renders help itself (a width or command line the build did not render), so the fast path pays nothing.
   */
  public async showHelp(argv: string[]): Promise<void> {
    if (!process.stdout.isTTY || this.opts.sendToStderr) return super.showHelp(argv)
    this.page = []
    try {
      await super.showHelp(argv)
    } finally {
      const page = this.page.join('')
      this.page = undefined
      await showPage(page)
    }
  }

  protected log(...args: string[]): void {
    // What oclif's log writes (console.log of the formatted arguments).
    if (this.page) this.page.push(format(...args) + '\n')
    else super.log(...args)
  }

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

/** bin/run.js keeps the page oclif printed for this terminal; a paged one never passes through stdout.write. */
const KEEP_PAGE = Symbol.for('groq.help.page')

async function showPage(page: string): Promise<void> {
  if (!page) return
  const {pagerCommand, writePaged} = await import('./lib/ux/pager.js')
  const io = {env: process.env, stderr: process.stderr, stdin: process.stdin, stdout: process.stdout}
  if (await writePaged(io, page, pagerCommand(io, process.argv.includes('--no-pager')))) {
    ;(globalThis as {[KEEP_PAGE]?: (page: string) => void})[KEEP_PAGE]?.(page)
  }
}
