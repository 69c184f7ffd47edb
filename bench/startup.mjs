#!/usr/bin/env node
// Start-up benchmark for the built CLI (run `npm run build` first; this script builds nothing).
//
//   node bench/startup.mjs [rounds] [--bin path/to/run.js]
//   BENCH_ROUNDS=50 node bench/startup.mjs
//
// Each round runs `node -e 0`, `node <bin> --version` and `node <bin> --help` once, in that order,
// so that machine noise spreads over all three alike. Wall time is measured around spawnSync with
// stdout and stderr on pipes (as when piped into another program). Prints median and p90 per case,
// the ratio of medians to `node -e 0`, and PASS/MISS for the targets. Peak RSS comes from one extra,
// untimed run per case with an exit hook that reports process.resourceUsage().maxRSS.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
let bin = join(root, 'bin', 'run.js')
let rounds = Number(process.env.BENCH_ROUNDS ?? 20)
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--bin') bin = resolve(args[++i])
  else if (/^\d+$/.test(args[i])) rounds = Number(args[i])
  else {
    console.error(`usage: node bench/startup.mjs [rounds] [--bin path]  (unknown argument: ${args[i]})`)
    process.exit(2)
  }
}
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`rounds must be a positive integer, got ${rounds}`)
  process.exit(2)
}
if (!existsSync(join(root, 'dist')) || !existsSync(bin)) {
  console.error('No built CLI: run `npm run build` first.')
  process.exit(2)
}

const node = process.execPath
// A clean environment for the child: no NODE_OPTIONS, no debug switches, no colour from the TTY.
const env = {...process.env}
for (const key of Object.keys(env)) if (/^(NODE_OPTIONS|NODE_DEBUG|DEBUG|GROQ_.*)$/.test(key)) delete env[key]

const cases = [
  {name: 'node -e 0', argv: ['-e', '0'], target: undefined},
  {name: 'groq --version', argv: [bin, '--version'], target: 1.5},
  {name: 'groq --help', argv: [bin, '--help'], target: 2},
]

function once(argv, extraNodeArgs = []) {
  const start = process.hrtime.bigint()
  const result = spawnSync(node, [...extraNodeArgs, ...argv], {
    cwd: root,
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) {
    console.error(`\`node ${argv.join(' ')}\` exited ${result.status}:\n${result.stderr}`)
    process.exit(1)
  }
  return {ms, result}
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]

// One untimed warm-up round (fills the OS file cache), then the timed rounds.
for (const c of cases) once(c.argv)
const samples = cases.map(() => [])
for (let round = 0; round < rounds; round++) {
  cases.forEach((c, i) => samples[i].push(once(c.argv).ms))
}

const rssHook =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss:"+process.resourceUsage().maxRSS+"\\n"))'
function peakRss(argv) {
  const {result} = once(argv, ['--import', rssHook])
  const match = /maxrss:(\d+)/.exec(result.stderr)
  return match ? Number(match[1]) / 1024 : NaN
}

const rows = cases.map((c, i) => {
  const sorted = [...samples[i]].sort((a, b) => a - b)
  return {...c, median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), rss: peakRss(c.argv)}
})
const baseline = rows[0].median

console.log(`node ${process.version}, ${rounds} rounds, ${bin}\n`)
const header = ['case', 'median ms', 'p90 ms', 'x node -e 0', 'peak RSS MB', 'target', 'result']
const table = rows.map((row) => {
  const ratio = row.median / baseline
  return [
    row.name,
    row.median.toFixed(1),
    row.p90.toFixed(1),
    ratio.toFixed(2),
    row.rss.toFixed(1),
    row.target ? `<= ${row.target}x` : '',
    row.target ? (ratio <= row.target ? 'PASS' : 'MISS') : '',
  ]
})
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)))
const line = (cells) =>
  '| ' + cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ') + ' |'
console.log(line(header))
console.log(
  '|' + widths.map((w, i) => (i === 0 ? ' ' + '-'.repeat(w) + ' ' : ' ' + '-'.repeat(w - 1) + ': ')).join('|') + '|',
)
for (const row of table) console.log(line(row))
if (rows.some((row) => row.target && row.median / baseline > row.target)) process.exitCode = 1
