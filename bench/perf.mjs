#!/usr/bin/env node
// Issue: "a groq call costs less than the groq-sdk script a user would write instead".
//
// One run, interleaved rounds, one local server (its own process, so its CPU and event loop stay out of
// the timings) answering like Groq. Per case: median and p90 wall time, ratio to `node -e 0`, and peak
// RSS (from a separate, untimed run under python3's getrusage(RUSAGE_CHILDREN), which works for curl too).
// Then the ratios the issue sets: groq vs the bare groq-sdk script for `models list` and `chat --no-stream`.
// Then time from the server writing the first streamed delta to it reaching us through `groq chat`'s stdout.
//
// Usage: npm run build, then  node bench/perf.mjs [--rounds 20] [--node PATH] [--levers] [--instructions 5] [--json FILE]
//
// --node runs every case (node -e 0, the groq-sdk script, groq) on that Node binary instead of this one; the server
// and the bookkeeping stay on this Node. bench/node-versions.mjs runs it for Node 20, 22 and 24 in turn.
// The CLI's caches ($XDG_CACHE_HOME/groq: help pages, code caches) live in a fresh temporary directory, filled by
// the untimed warm-up runs, so the figures are a user's second and later runs, whatever this machine's cache holds.
// A target's ratio is the median of the per-round ratios (each round runs every case once, in turn), which moves
// less with other load on the machine than a ratio of medians. --json writes the figures to FILE as well.
// --levers adds `groq models list` without each start-up lever a user's Node may or may not have (Node's compile
// cache, 22.1+; the CLI's own caches, which a first run writes) and prints what each saves, as that ratio.
//
// --instructions N adds N more interleaved rounds with every case run under valgrind (cachegrind, no cache
// simulation), counting the instructions it executed in every thread, in user space (not the kernel's work: reading
// files, page faults; nor what a cache miss costs). Unlike wall and CPU time that count hardly moves with other load
// on the machine (3-5% between runs), so on a busy machine it is the steadier figure; the targets are then given
// both ways. A case takes 30-80x longer under valgrind: 5 rounds cost about 15 minutes on 2 busy cores.
import {execFileSync, fork, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const {values} = parseArgs({
  options: {
    instructions: {type: 'string'},
    json: {type: 'string'},
    levers: {default: false, type: 'boolean'},
    node: {type: 'string'},
    rounds: {default: '20', type: 'string'},
    serve: {default: false, type: 'boolean'},
  },
})
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NODE = values.node ?? process.execPath

// ---- the server (child process) ---------------------------------------------------------------
const MODELS = {
  data: Array.from({length: 20}, (_, index) => ({
    active: true,
    context_window: 131_072,
    created: 1_700_000_000 + index,
    id: `model-${String(index).padStart(2, '0')}`,
    object: 'model',
    owned_by: 'Groq',
    public_apps: null,
  })),
  object: 'list',
}
const COMPLETION = {
  choices: [
    {finish_reason: 'stop', index: 0, logprobs: null, message: {content: 'Hello! How can I help?', role: 'assistant'}},
  ],
  created: 1_700_000_000,
  id: 'chatcmpl-bench',
  model: 'llama-3.3-70b-versatile',
  object: 'chat.completion',
  system_fingerprint: 'fp_bench',
  usage: {completion_tokens: 7, prompt_tokens: 36, total_tokens: 43},
  x_groq: {id: 'req_bench'},
}
const chunk = (delta, extra = {}) =>
  `data: ${JSON.stringify({choices: [{delta, finish_reason: null, index: 0, logprobs: null}], created: 1, id: 'c', model: 'm', object: 'chat.completion.chunk', ...extra})}\n\n`

function serve() {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (data) => (body += data))
    req.on('end', () => {
      if (req.url === '/openai/v1/models') {
        res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(MODELS))
      } else if (req.url === '/openai/v1/chat/completions' && !JSON.parse(body).stream) {
        res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(COMPLETION))
      } else if (req.url === '/openai/v1/chat/completions') {
        // Streamed: role chunk, a pause, then the first delta, stamped with the time it was written.
        res.writeHead(200, {'content-type': 'text/event-stream'})
        res.write(chunk({content: '', role: 'assistant'}))
        setTimeout(() => {
          res.write(chunk({content: 'FIRST'}), () =>
            process.send({firstDeltaWrittenAt: performance.timeOrigin + performance.now()}),
          )
          setTimeout(() => res.end(chunk({content: ' rest'}) + 'data: [DONE]\n\n'), 50)
        }, 100)
      } else {
        res.writeHead(404).end()
      }
    })
  })
  server.listen(0, '127.0.0.1', () => process.send({port: server.address().port}))
}

if (values.serve) {
  serve()
} else {
  await main()
}

// ---- the measurements -------------------------------------------------------------------------
async function main() {
  const rounds = Number(values.rounds)
  const server = fork(fileURLToPath(import.meta.url), ['--serve'])
  const port = await new Promise((resolve) => server.once('message', (message) => resolve(message.port)))
  const base = `http://127.0.0.1:${port}`
  const cache = mkdtempSync(join(tmpdir(), 'groq-perf-cache-'))
  const env = {...process.env, GROQ_API_KEY: 'gsk_bench', GROQ_BASE_URL: base, NO_COLOR: '1', XDG_CACHE_HOME: cache}
  for (const name of ['CI', 'DEBUG', 'NODE_OPTIONS', 'NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE'])
    delete env[name]
  const groq = (...args) => [NODE, `${ROOT}bin/run.js`, ...args]

  const cases = [
    {argv: [NODE, '-e', '0'], name: 'node -e 0'},
    {argv: ['curl', '-sf', '-H', 'Authorization: Bearer x', `${base}/openai/v1/models`], name: 'curl GET /models'},
    {argv: [NODE, `${ROOT}bench/bare-sdk.mjs`, 'models'], name: 'groq-sdk script: models'},
    {argv: [NODE, `${ROOT}bench/bare-sdk.mjs`, 'chat'], name: 'groq-sdk script: chat'},
    {argv: groq('--version'), name: 'groq --version'},
    {argv: groq('--help'), name: 'groq --help'},
    {argv: groq('models', '--help'), name: 'groq models --help'},
    {argv: groq('models', 'list'), name: 'groq models list'},
    {argv: groq('chat', '--no-stream', 'hi'), name: 'groq chat --no-stream'},
  ]
  // Each lever taken away from `groq models list` (--levers); `env` is made per run.
  const levers = [
    {
      env: () => ({...env, NODE_DISABLE_COMPILE_CACHE: '1'}),
      lever: "Node's compile cache of dist/'s ES modules (Node 22.1+)",
      name: 'groq models list, no compile cache',
    },
    {
      env: () => ({...env, XDG_CACHE_HOME: mkdtempSync(join(cache, 'first-run-'))}),
      lever: 'caches a first run writes (code caches for this Node, compile cache, help pages)',
      name: 'groq models list, first run',
    },
  ]
  if (values.levers) cases.push(...levers.map((lever) => ({...lever, argv: groq('models', 'list')})))

  // CPU time (user + sys) of the children this process has waited for, from /proc (Linux; 10 ms ticks): it moves
  // much less than wall time when other work shares the cores. NaN elsewhere.
  const childrenCpuMs = () => {
    try {
      const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
      return (Number(fields[13]) + Number(fields[14])) * 10
    } catch {
      return Number.NaN
    }
  }
  const run = ({argv, env: caseEnv}) =>
    new Promise((resolve, reject) => {
      const start = performance.now()
      const cpuStart = childrenCpuMs()
      const child = spawn(argv[0], argv.slice(1), {env: caseEnv?.() ?? env, stdio: ['ignore', 'pipe', 'pipe']})
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (data) => (stdout += data))
      child.stderr.on('data', (data) => (stderr += data))
      child.on('close', (code) => {
        const ms = performance.now() - start
        if (code === 0) resolve({cpuMs: childrenCpuMs() - cpuStart, ms, stdout})
        else reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`))
      })
    })

  const times = new Map(cases.map((c) => [c.name, []]))
  const cpuTimes = new Map(cases.map((c) => [c.name, []]))
  // Two warm-up rounds: the file cache, and the CLI's own caches (written by a first run, used from the second).
  // Also checks that every case works.
  for (let round = 0; round < 2; round++) for (const c of cases) await run(c)
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const {cpuMs, ms} = await run(c)
      times.get(c.name).push(ms)
      cpuTimes.get(c.name).push(cpuMs)
    }
  }

  // Instructions executed, counted by valgrind (see the top of this file), in interleaved rounds of their own.
  const instructionRounds = Number(values.instructions ?? 0)
  const counted = cases.filter((c) => !c.lever)
  const instructions = new Map(counted.map((c) => [c.name, []]))
  const valgrindDir = mkdtempSync(join(tmpdir(), 'groq-perf-valgrind-'))
  const countInstructions = async ({argv, env: caseEnv}) => {
    const log = join(valgrindDir, 'log')
    const tool = ['valgrind', '--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null']
    await run({argv: [...tool, `--log-file=${log}`, ...argv], env: caseEnv})
    const refs = /I\s+refs:\s+([\d,]+)/.exec(readFileSync(log, 'utf8'))
    if (!refs) throw new Error(`no instruction count from valgrind for ${argv.join(' ')}`)
    return Number(refs[1].replaceAll(',', ''))
  }
  for (let round = 0; round < instructionRounds; round++) {
    for (const c of counted) instructions.get(c.name).push(await countInstructions(c))
  }
  rmSync(valgrindDir, {force: true, recursive: true})

  const peakRss = ({argv, env: caseEnv}) => {
    const script =
      'import resource,subprocess,sys\n' +
      'subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,check=True)\n' +
      'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)'
    return Number(execFileSync('python3', ['-c', script, ...argv], {env: caseEnv?.() ?? env}).toString()) / 1024
  }

  const quantile = (list, q) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))]
  const stats = new Map(
    cases.map((c) => [
      c.name,
      {
        cpu: quantile(cpuTimes.get(c.name), 0.5),
        median: quantile(times.get(c.name), 0.5),
        p90: quantile(times.get(c.name), 0.9),
        rss: peakRss(c),
        ...(instructionRounds && !c.lever ? {instructions: quantile(instructions.get(c.name), 0.5)} : {}),
      },
    ]),
  )
  const node = stats.get('node -e 0').median

  const table = (header, rows) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
    const line = (cells) =>
      '| ' +
      cells
        .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
        .join(' | ') +
      ' |'
    console.log(
      [
        line(header),
        '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|',
        ...rows.map(line),
      ].join('\n'),
    )
  }

  const version = execFileSync(NODE, ['-p', 'process.version']).toString().trim()
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  const underValgrind = instructionRounds ? `, instructions: ${instructionRounds} rounds under valgrind` : ''
  console.log(`Node ${version}, ${rounds} interleaved rounds${underValgrind}, local server on loopback, load ${load}\n`)
  const nodeInstructions = stats.get('node -e 0').instructions
  table(
    [
      'case',
      'median ms',
      'p90 ms',
      'x node -e 0',
      'CPU ms',
      ...(instructionRounds ? ['instructions M', 'x node -e 0'] : []),
      'peak RSS MB',
    ],
    cases.map((c) => {
      const s = stats.get(c.name)
      const row = [s.median.toFixed(1), s.p90.toFixed(1), (s.median / node).toFixed(2), s.cpu.toFixed(0)]
      const count = s.instructions
        ? [(s.instructions / 1e6).toFixed(1), (s.instructions / nodeInstructions).toFixed(2)]
        : ['', '']
      return [c.name, ...row, ...(instructionRounds ? count : []), s.rss.toFixed(1)]
    }),
  )

  const verdict = (ok) => (ok ? 'PASS' : 'MISS')
  const ratio = (a, b, of = times) =>
    quantile(
      of.get(a).map((ms, round) => ms / of.get(b)[round]),
      0.5,
    )
  const targets = [
    ['groq --version vs node -e 0', 'groq --version', 'node -e 0', 1.15],
    ['groq --help vs node -e 0', 'groq --help', 'node -e 0', 1.5],
    ['groq models --help vs node -e 0', 'groq models --help', 'node -e 0', 1.5],
    ['groq models list vs groq-sdk script', 'groq models list', 'groq-sdk script: models', 0.7],
    ['groq chat --no-stream vs groq-sdk script', 'groq chat --no-stream', 'groq-sdk script: chat', 0.7],
  ]
  // Peak RSS: at most the bare script's for the same call, and at most 80 MB.
  const rssTargets = [
    ['groq models list', 'groq-sdk script: models'],
    ['groq chat --no-stream', 'groq-sdk script: chat'],
  ]
  const results = [
    ...targets.map(([name, a, b, limit]) => {
      const value = ratio(a, b)
      const result = {limit, name, pass: value <= limit, unit: 'x', value}
      if (!instructionRounds) return result
      const count = ratio(a, b, instructions)
      return {...result, instructions: {pass: count <= limit, value: count}}
    }),
    ...rssTargets.map(([name, script]) => {
      const limit = Math.min(80, stats.get(script).rss)
      return {
        limit,
        name: `${name} peak RSS`,
        pass: stats.get(name).rss <= limit,
        unit: 'MB',
        value: stats.get(name).rss,
      }
    }),
  ]
  console.log('')
  if (instructionRounds) {
    table(
      ['target', 'wall', 'result', 'instructions', 'result', 'at most'],
      results.map(({instructions: count, limit, name, pass, unit, value}) =>
        unit === 'x'
          ? [
              name,
              `${value.toFixed(2)}x`,
              verdict(pass),
              `${count.value.toFixed(2)}x`,
              verdict(count.pass),
              `${limit}x`,
            ]
          : [name, `${value.toFixed(1)} MB`, verdict(pass), '', '', `${limit.toFixed(1)} MB`],
      ),
    )
  } else {
    table(
      ['target', 'ratio', 'at most', 'result'],
      results.map(({limit, name, pass, unit, value}) =>
        unit === 'x'
          ? [name, `${value.toFixed(2)}x`, `${limit}x`, verdict(pass)]
          : [name, `${value.toFixed(1)} MB`, `${limit.toFixed(1)} MB`, verdict(pass)],
      ),
    )
  }

  // What each lever saves: `groq models list` without it, as a ratio to with it (medians of per-round ratios).
  const leverResults = values.levers
    ? levers.map(({lever, name}) => ({
        lever,
        without: ratio(name, 'groq models list'),
        withoutCpu: ratio(name, 'groq models list', cpuTimes),
      }))
    : []
  if (values.levers) {
    console.log('')
    table(
      ['lever (groq models list)', 'without it: wall', 'CPU'],
      leverResults.map(({lever, without, withoutCpu}) => [
        lever,
        `${without.toFixed(2)}x`,
        `${withoutCpu.toFixed(2)}x`,
      ]),
    )
  }

  // First delta: server write -> our read of groq's stdout (includes the pipe hop to this process).
  const delays = []
  for (let index = 0; index < Math.max(5, Math.floor(rounds / 2)); index++) {
    const written = new Promise((resolve) => server.once('message', (message) => resolve(message.firstDeltaWrittenAt)))
    const arrived = await new Promise((resolve, reject) => {
      const child = spawn(NODE, [`${ROOT}bin/run.js`, 'chat', 'hi'], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let at
      child.stdout.on('data', (data) => {
        if (at === undefined && String(data).includes('FIRST')) at = performance.timeOrigin + performance.now()
      })
      child.on('close', (code) => (code === 0 ? resolve(at) : reject(new Error(`groq chat exited ${code}`))))
    })
    delays.push(arrived - (await written))
  }
  const firstDelta = quantile(delays, 0.5)
  console.log('')
  table(
    ['streaming', 'median', 'max', 'at most', 'result'],
    [
      [
        'first delta: socket write -> groq stdout',
        `${firstDelta.toFixed(2)} ms`,
        `${Math.max(...delays).toFixed(2)} ms`,
        '2 ms',
        verdict(firstDelta <= 2),
      ],
    ],
  )
  server.kill()
  rmSync(cache, {force: true, recursive: true})
  if (values.json) {
    const figures = {
      cases: Object.fromEntries([...stats].map(([name, s]) => [name, {...s, xNode: s.median / node}])),
      firstDeltaMs: firstDelta,
      instructionRounds,
      levers: leverResults,
      load,
      rounds,
      targets: results,
      version,
    }
    writeFileSync(values.json, JSON.stringify(figures, null, 2) + '\n')
  }
}
