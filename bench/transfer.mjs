#!/usr/bin/env node
/**
 * Upload and download a large file (default 1 GiB) to and from a local server, with `groq` and with `curl` doing
 * the same, printing throughput and peak RSS side by side; then validate a 1,000,000-line batch JSONL and print
 * lines/s. One script, one machine, cases interleaved, so the ratios are fair.
 *
 *   npm run build && node bench/transfer.mjs [--size 1GiB] [--lines 1000000] [--only validate] [--rounds 3]
 *     [--transfer-rounds 3]
 * Targets (issue 10): peak RSS under 120 MB, throughput within 1.5x of curl, validation 200k lines/s.
 * `--transfer-rounds N` (default 3): each transfer case N times, interleaved, the best kept (on this VM a 1 GiB write
 * into the page cache alone varies 1.5-3 s from one minute to the next, for curl as for groq).
 * `--only validate` skips the transfers (quick to rerun); `--rounds N` validates N times and prints each run and
 * the best (wall and CPU), with the load average before and after.
 */
import {spawn, spawnSync} from 'node:child_process'
import {createWriteStream, mkdtempSync, rmSync, statSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const arg = (name, fallback) => {
  const index = process.argv.indexOf(name)
  return index === -1 ? fallback : process.argv[index + 1]
}
const SIZE = Number(arg('--size', String(2 ** 30)))
const LINES = Number(arg('--lines', '1000000'))
const ONLY = arg('--only', 'all')
const ROUNDS = Number(arg('--rounds', '1'))
const TRANSFER_ROUNDS = Number(arg('--transfer-rounds', '3'))
if (!['all', 'validate'].includes(ONLY)) throw new Error(`--only: all or validate, not ${ONLY}`)
const dir = mkdtempSync(join(tmpdir(), 'groq-bench-transfer-'))

async function writeBig(path, bytes) {
  const out = createWriteStream(path)
  const block = Buffer.alloc(1 << 20, 'x')
  for (let written = 0; written < bytes; written += block.length) {
    if (!out.write(written + block.length > bytes ? block.subarray(0, bytes - written) : block)) {
      await new Promise((done) => out.once('drain', done))
    }
  }
  await new Promise((done) => out.end(done))
}

/** A server that drains uploads and serves the file's bytes for /content, as Groq's API would. */
async function server(source) {
  const http = createServer((req, res) => {
    if (req.method === 'POST') {
      let bytes = 0
      req.on('data', (chunk) => (bytes += chunk.length))
      req.on('end', () =>
        res
          .writeHead(200, {'content-type': 'application/json'})
          .end(JSON.stringify({bytes, id: 'file_bench', object: 'file'})),
      )
      return
    }
    const {size} = statSync(source)
    res.writeHead(200, {'content-length': String(size), 'content-type': 'application/octet-stream'})
    import('node:fs').then(({createReadStream}) => createReadStream(source, {highWaterMark: 1 << 20}).pipe(res))
  })
  await new Promise((done) => http.listen(0, '127.0.0.1', done))
  return {close: () => new Promise((done) => http.close(done)), url: `http://127.0.0.1:${http.address().port}`}
}

/** Runs a command under /usr/bin/time -v for its peak RSS; returns wall seconds and MB. */
function measure(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-v', command, ...args], {
      env: {...process.env, ...env},
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0) / 1024
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}`))
      else resolve({rss, seconds})
    })
  })
}

const checks = []
// Node's floor, no CLI: the plain node:http + fs pipeline a script would write (the body as is, not multipart; no
// fsync, as curl). What the CLI costs on top of Node is the difference to these rows; what Node costs, to curl's.
const NODE_UPLOAD = `import {createReadStream, statSync} from 'node:fs'
import {request} from 'node:http'
const [path, url] = process.argv.slice(1)
const req = request(url, {method: 'POST', headers: {'content-length': statSync(path).size}}, (res) => res.resume())
createReadStream(path).pipe(req)`
const NODE_DOWNLOAD = `import {createWriteStream} from 'node:fs'
import {get} from 'node:http'
import {pipeline} from 'node:stream/promises'
const [url, path] = process.argv.slice(1)
get(url, (res) => pipeline(res, createWriteStream(path)))`

if (ONLY === 'all') await transfers()

async function transfers() {
  const source = join(dir, 'big.jsonl')
  await writeBig(source, SIZE)
  const api = await server(source)
  const env = {GROQ_API_KEY: 'gsk_bench', GROQ_BASE_URL: api.url, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config')}
  const bin = join(ROOT, 'bin', 'run.js')
  // Groq takes at most 100 MB per file (the CLI's default files.max_size); the bench's server takes any size.
  const setMax = spawnSync(process.execPath, [bin, 'config', 'set', 'files.max_size', String(SIZE * 2)], {
    env: {...process.env, ...env},
    encoding: 'utf8',
  })
  if (setMax.status !== 0) throw new Error(`config set files.max_size: ${setMax.stderr}`)
  const mb = SIZE / 1e6
  const rows = []
  try {
    const cases = [
      [
        'groq files upload',
        () =>
          measure(
            process.execPath,
            [bin, 'files', 'upload', source, '--no-validate', '--timeout', '1h', '--max-retries', '0'],
            env,
          ),
      ],
      [
        'curl -F upload',
        () =>
          measure('curl', [
            '-sS',
            '-o',
            '/dev/null',
            '-H',
            'Authorization: Bearer x',
            '-F',
            'purpose=batch',
            '-F',
            `file=@${source}`,
            `${api.url}/openai/v1/files`,
          ]),
      ],
      [
        'node:http upload',
        () =>
          measure(process.execPath, ['--input-type=module', '-e', NODE_UPLOAD, source, `${api.url}/openai/v1/files`]),
      ],
      [
        'groq files download',
        () => {
          rmSync(join(dir, 'down.bin'), {force: true})
          return measure(
            process.execPath,
            [bin, 'files', 'download', 'file_bench', '-O', join(dir, 'down.bin'), '--timeout', '1h'],
            env,
          )
        },
      ],
      [
        'curl download',
        () => {
          rmSync(join(dir, 'down.bin'), {force: true})
          return measure('curl', ['-sS', '-o', join(dir, 'down.bin'), `${api.url}/openai/v1/files/file_bench/content`])
        },
      ],
      [
        'node:http download',
        () => {
          rmSync(join(dir, 'down.bin'), {force: true})
          return measure(process.execPath, [
            '--input-type=module',
            '-e',
            NODE_DOWNLOAD,
            `${api.url}/openai/v1/files/file_bench/content`,
            join(dir, 'down.bin'),
          ])
        },
      ],
    ]
    const results = Object.fromEntries(cases.map(([name]) => [name, []]))
    for (let round = 0; round < TRANSFER_ROUNDS; round++)
      for (const [name, run] of cases) results[name].push(await run())
    for (const [name] of cases) {
      const best = results[name].reduce((a, b) => (a.seconds < b.seconds ? a : b))
      rows.push({
        name,
        rss: Math.max(...results[name].map((r) => r.rss)),
        seconds: best.seconds,
        throughput: mb / best.seconds,
      })
    }
  } finally {
    await api.close()
  }

  const by = Object.fromEntries(rows.map((row) => [row.name, row]))
  console.log(
    `Node ${process.version}, ${(SIZE / 2 ** 30).toFixed(2)} GiB file, local server on loopback, best of ${TRANSFER_ROUNDS} (peak RSS: max)\n`,
  )
  console.log('| case                | seconds | MB/s   | peak RSS MB |')
  console.log('|---------------------|--------:|-------:|------------:|')
  for (const row of rows)
    console.log(
      `| ${row.name.padEnd(19)} | ${row.seconds.toFixed(2).padStart(7)} | ${row.throughput.toFixed(0).padStart(6)} | ${row.rss.toFixed(1).padStart(11)} |`,
    )
  const ratio = (a, b) => by[a].seconds / by[b].seconds
  checks.push(
    ['upload time vs curl', ratio('groq files upload', 'curl -F upload'), 1.5, 'x'],
    ['download time vs curl', ratio('groq files download', 'curl download'), 1.5, 'x'],
    ['upload peak RSS', by['groq files upload'].rss, 120, ' MB'],
    ['download peak RSS', by['groq files download'].rss, 120, ' MB'],
  )
}

// Validation: a 1,000,000-line batch file, through the same module files upload uses.
const jsonlPath = join(dir, 'requests.jsonl')
{
  const out = createWriteStream(jsonlPath)
  for (let index = 0; index < LINES; index++) {
    const line = `{"custom_id":"request-${index}","method":"POST","url":"/v1/chat/completions","body":{"model":"llama-3.1-8b-instant","messages":[{"role":"user","content":"Question number ${index}: what is ${index} + ${index}?"}]}}\n`
    if (!out.write(line)) await new Promise((done) => out.once('drain', done))
  }
  await new Promise((done) => out.end(done))
}
const {validateBatchFile} = await import(join(ROOT, 'dist', 'lib', 'batches', 'jsonl.js'))
const {loadavg} = await import('node:os')
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')
const loadBefore = load()
const runs = []
for (let round = 0; round < ROUNDS; round++) {
  const started = process.hrtime.bigint()
  const cpuBefore = process.cpuUsage()
  const report = await validateBatchFile(jsonlPath)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  // Worker threads' CPU is the process's too: process.cpuUsage() counts every thread.
  const cpu = process.cpuUsage(cpuBefore)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  if (report.problemCount !== 0 || report.lines !== LINES)
    throw new Error(`validation found ${report.problemCount} problems`)
  runs.push({cpuSeconds, seconds})
  if (ROUNDS > 1)
    console.log(
      `  run ${round + 1}: ${seconds.toFixed(2)} s wall (${Math.round(LINES / seconds).toLocaleString('en-US')} lines/s), CPU ${cpuSeconds.toFixed(2)} s (${Math.round(LINES / cpuSeconds).toLocaleString('en-US')} lines/s of CPU)`,
    )
}
const {seconds} = runs.reduce((a, b) => (a.seconds < b.seconds ? a : b))
const {cpuSeconds} = runs.reduce((a, b) => (a.cpuSeconds < b.cpuSeconds ? a : b))
const linesPerSecond = LINES / seconds
console.log(
  `\nvalidate ${LINES.toLocaleString('en-US')} lines (${(statSync(jsonlPath).size / 1e6).toFixed(0)} MB)${ROUNDS > 1 ? `, best of ${ROUNDS}` : ''}: ${seconds.toFixed(2)} s, ${Math.round(linesPerSecond).toLocaleString('en-US')} lines/s` +
    ` (CPU ${cpuSeconds.toFixed(2)} s: ${Math.round(LINES / cpuSeconds).toLocaleString('en-US')} lines/s of CPU; on a busy machine the wall figure is the lower)` +
    `\nload average before ${loadBefore}, after ${load()}`,
)
checks.push(['validation lines/s', linesPerSecond, 200_000, ' lines/s', true])

console.log('\n| target                | value          | limit          | result |')
console.log('|-----------------------|---------------:|---------------:|-------:|')
for (const [name, value, limit, unit, atLeast] of checks) {
  const pass = atLeast ? value >= limit : value <= limit
  const show = (v) => (unit === 'x' ? `${v.toFixed(2)}x` : `${Math.round(v).toLocaleString('en-US')}${unit}`)
  console.log(
    `| ${name.padEnd(21)} | ${show(value).padStart(14)} | ${(atLeast ? '>= ' : '<= ') + show(limit)} | ${pass ? 'PASS' : 'FAIL'} |`,
  )
}
rmSync(dir, {force: true, recursive: true})
