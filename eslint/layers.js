// A local eslint rule: imports in src/ run one way, commands → domain → core/output/http/ux → boot (ARCHITECTURE.md).
// It resolves each relative import against the importing file, names the layer of both ends, and reports an import
// that points back up. No plugin needed: relative paths are all this codebase uses inside src/.
import {dirname, relative, resolve, sep} from 'node:path'

const SRC = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src')

/** Folders of src/lib/ that are not a domain; every other folder of src/lib/ is one (chat/, files/, …). */
const SHARED = {boot: 0, core: 1, http: 1, output: 1, ux: 1}
const RANK = {boot: 0, shared: 1, domain: 2, commands: 3}

/** The layer of a file under src/, or undefined outside it. */
export function layerOf(file) {
  const path = relative(SRC, file)
  if (path.startsWith('..') || path === '') return undefined
  const [top, folder] = path.split(sep)
  if (top !== 'lib')
    return {name: 'commands', rank: RANK.commands, where: top === 'commands' ? 'src/commands' : `src/${top}`}
  if (folder in SHARED) return {name: folder, rank: SHARED[folder], where: `src/lib/${folder}`}
  return {name: 'domain', rank: RANK.domain, where: `src/lib/${folder}`}
}

const rule = {
  meta: {
    type: 'problem',
    docs: {description: 'imports in src/ run commands → domain → core/output/http/ux → boot'},
    schema: [],
    messages: {
      up: '{{from}} may not import {{to}}: imports run commands → domain → core/output/http/ux → boot (ARCHITECTURE.md)',
      command: '{{from}} may not import a command ({{to}}): commands import src/lib, never the other way',
    },
  },
  create(context) {
    const from = layerOf(context.physicalFilename ?? context.filename)
    if (!from) return {}
    const check = (node) => {
      const source = node.source
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.'))
        return
      const target = resolve(dirname(context.physicalFilename ?? context.filename), source.value)
      const to = layerOf(target)
      if (!to || to.where === from.where) return
      const data = {from: from.where, to: relative(resolve(SRC, '..'), target)}
      if (to.name === 'commands' && from.name !== 'commands') context.report({data, messageId: 'command', node: source})
      else if (to.rank > from.rank) context.report({data, messageId: 'up', node: source})
    }
    return {
      ExportAllDeclaration: check,
      ExportNamedDeclaration: check,
      ImportDeclaration: check,
      ImportExpression: check,
    }
  },
}

export default {rules: {layers: rule}}
