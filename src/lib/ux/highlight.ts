import {createRequire} from 'node:module'

/**
 * Syntax highlighting of code blocks for the terminal: highlight.js's core, with only the grammar a block names
 * loaded, on first use (the whole of highlight.js costs ~0.5 s to load; core plus one grammar a few ms).
 */

const require = createRequire(import.meta.url)

// The part of highlight.js used here. Its own types are not imported: they pull the DOM's into the whole program.
type LanguageFn = (hljs: unknown) => unknown
interface HLJSApi {
  getLanguage(name: string): unknown
  highlight(code: string, options: {ignoreIllegals: boolean; language: string}): {value: string}
  registerLanguage(name: string, language: LanguageFn): void
}

/** Fence names that are not highlight.js file names. highlight.js's own aliases apply once a grammar is loaded. */
const ALIASES: Record<string, string> = {
  c: 'c',
  'c++': 'cpp',
  cjs: 'javascript',
  console: 'bash',
  cs: 'csharp',
  docker: 'dockerfile',
  golang: 'go',
  html: 'xml',
  js: 'javascript',
  jsonc: 'json',
  jsx: 'javascript',
  kt: 'kotlin',
  md: 'markdown',
  mjs: 'javascript',
  py: 'python',
  rb: 'ruby',
  rs: 'rust',
  sh: 'bash',
  shell: 'bash',
  svg: 'xml',
  ts: 'typescript',
  tsx: 'typescript',
  yml: 'yaml',
  zsh: 'bash',
}

/** highlight.js scopes to SGR colours (a palette that reads on dark and light backgrounds). */
const SCOPE_COLORS: Record<string, string> = {
  addition: '32',
  attr: '33',
  attribute: '33',
  built_in: '36',
  bullet: '33',
  comment: '90',
  deletion: '31',
  doctag: '90',
  keyword: '35',
  literal: '36',
  meta: '90',
  number: '33',
  quote: '90',
  regexp: '31',
  section: '35',
  string: '32',
  subst: '39',
  symbol: '33',
  tag: '34',
  template_tag: '35',
  title: '34',
  type: '36',
  variable: '31',
}

let hljs: HLJSApi | undefined
const failed = new Set<string>()

function core(): HLJSApi {
  hljs ??= require('highlight.js/lib/core') as HLJSApi
  return hljs
}

/** The loaded grammar's name for a fence's info word, or undefined when there is none. */
export function loadLanguage(fenceName: string): string | undefined {
  const name = fenceName.toLowerCase()
  if (!/^[a-z0-9+#-]{1,30}$/.test(name)) return undefined
  const api = core()
  if (api.getLanguage(name)) return name
  const file = ALIASES[name] ?? name
  if (failed.has(file) || !/^[a-z0-9-]+$/.test(file)) return undefined
  try {
    const language = require(`highlight.js/lib/languages/${file}`) as LanguageFn | {default: LanguageFn}
    api.registerLanguage(file, typeof language === 'function' ? language : language.default)
  } catch {
    failed.add(file)
    return undefined
  }
  return api.getLanguage(name) ? name : file
}

const ENTITIES: Record<string, string> = {'&#x27;': "'", '&amp;': '&', '&gt;': '>', '&lt;': '<', '&quot;': '"'}
const decode = (text: string) => text.replaceAll(/&(?:amp|lt|gt|quot|#x27);/g, (entity) => ENTITIES[entity] ?? entity)

/**
 * Highlights `code` and returns it as lines with SGR colours, each line closing what it opened (so a line can be
 * printed alone). `language` is what loadLanguage returned.
 */
export function highlightLines(code: string, language: string): string[] {
  const html = core().highlight(code, {ignoreIllegals: true, language}).value
  const lines: string[] = []
  const stack: (string | undefined)[] = []
  let line = ''
  const current = () => stack.findLast((color) => color !== undefined)
  const open = () => {
    const color = current()
    return color ? `\u001B[${color}m` : ''
  }
  const close = () => (current() ? '\u001B[39m' : '')
  for (const match of html.matchAll(/<span class="([^"]*)">|<\/span>|([^<]+)/g)) {
    if (match[1] !== undefined) {
      const scope = match[1]
        .split(' ')[0]
        .replace(/^hljs-/, '')
        .split('.')[0]
      line += close()
      stack.push(SCOPE_COLORS[scope])
      line += open()
    } else if (match[0] === '</span>') {
      line += close()
      stack.pop()
      line += open()
    } else {
      const parts = decode(match[2]).split('\n')
      for (let index = 0; index < parts.length; index++) {
        if (index > 0) {
          lines.push(line + close())
          line = open()
        }
        line += parts[index]
      }
    }
  }
  lines.push(line + close())
  // Drop empty colour pairs left by spans that closed at once.
  // eslint-disable-next-line no-control-regex
  return lines.map((text) => text.replaceAll(/\u001B\[\d+m\u001B\[39m/g, ''))
}
