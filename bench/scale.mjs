#!/usr/bin/env node
// Issue 14's scaling targets, each measured in this one run as the issue states it:
//
//   stream    peak RSS of `groq chat` streaming TOKENS tokens, over the minimal reader's (bench/stream-floor.mjs)
//             against the same server: at most 1.25x. Also `groq chat --json`, which keeps the answer (no target).
//   continue  `groq chat -c` over `groq chat --conversation ID` (the same conversation) with CONVERSATIONS saved:
//             at most 1.2x, with the files' times as written (mtime = updated_at) and with every file newer than
//             every updated_at (after a `cp -r`, a restore, `touch`). Then the one run that follows such a change,
//             which reads every file again to bring the store's index up to date (reported, no target).
//   list      `groq conversations list` at CONVERSATIONS: at most 0.5 s (median wall time).
//   table     `groq files list -o table` over `-o plain` at ROWS files: at most 2x; its peak RSS at most 100 MB.
//
// Timings interleave the cases round by round against local servers in their own processes; a ratio is the median of
// the per-round ratios (each round runs every case once), which moves less with other load than a ratio of medians.
// Peak RSS is the median of several runs under python3's getrusage(RUSAGE_CHILDREN).
//
// Usage: npm run build, then  node bench/scale.mjs [--rounds 10] [--only stream,continue,list,table]
//          [--tokens 300000] [--conversations 10000] [--rows 10000] [--other DIR] [--json FILE]
// --other DIR runs the groq built in DIR (another checkout with its dist/, e.g. main before a change) in the same
// rounds, on its own copy of the store (its saves must not change the store the groq build reads, nor the reverse):
// the before/after columns of bench/PERF.md. Cases the other build would take minutes for (its -c with
// newer file times) run it once. --json writes the figures to FILE as well.
import {fork, spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {median, peakRss} from './measure.mjs'

const {values} = parseArgs({
  options: {
    conversations: {default: '10000', type: 'string'},
    json: {type: 'string'},
    only: {default: 'stream,continue,list,table', type: 'string'},
    other: {type: 'string'},
    rounds: {default: '10', type: 'string'},
    rows: {default: '10000', type: 'string'},
    serve: {type: 'string'},
    tokens: {default: '300000', type: 'string'},
  },
})
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ROUNDS = Number(values.rounds)
const CONVERSATIONS = Number(values.conversations)
const ROWS = Number(values.rows)
const ONLY = new Set(values.only.split(','))

// ---- the API server (a child process: its CPU and event loop stay out of the timings) --------------------------
const FILES = {
  data: Array.from({length: ROWS}, (_, index) => ({
    bytes: 1000 + ((index * 7919) % 90_000_000),
    created_at: 1_750_000_000 - index * 60,
    filename: `batch-${String(index).padStart(6, '0')}-${index % 3 ? 'input' : 'results-of-the-nightly-run'}.jsonl`,
    id: `file_01jh${index.toString(36).padStart(22, '0')}`,
    object: 'file',
    purpose: index % 2 ? 'batch' : 'batch_output',
    status: 'processed',
  })),
  object: 'list',
}
const ANSWER_CHUNKS = ['Sure', ', ', 'here', ' it', ' is', '.']
const sse = (object) => `data: ${JSON.stringify(object)}\n\n`
const chunk = (delta, finish = null) =>
  sse({
    choices: [{delta, finish_reason: finish, index: 0, logprobs: null}],
    created: 1,
    id: 'c',
    model: 'm',
    object: 'chat.completion.chunk',
  })

function serveApi() {
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (data) => (body += data))
    request.on('end', () => {
      if (request.url.startsWith('/openai/v1/files')) {
        response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(FILES))
      } else if (request.url === '/openai/v1/chat/completions') {
        // What the CLI sent, for the check that -c and --conversation continue the same conversation.
        process.send({messages: JSON.parse(body).messages.length})
        response.writeHead(200, {'content-type': 'text/event-stream'})
        response.write(chunk({content: '', role: 'assistant'}))
        for (const text of ANSWER_CHUNKS) response.write(chunk({content: text}))
        response.end(chunk({}, 'stop') + 'data: [DONE]\n\n')
      } else {
        response.writeHead(404).end()
      }
    })
  })
  server.listen(0, '127.0.0.1', () => process.send({port: server.address().port}))
  process.on('disconnect', () => process.exit(0))
}

// ---- a store of saved conversations ------------------------------------------------------------------------------
const WORDS = 'the model answers quickly and each turn adds a question and its answer to the saved history'.split(' ')
const text = (seed, words) =>
  Array.from({length: words}, (_, index) => WORDS[(seed + index * 7) % WORDS.length]).join(' ')

/** COUNT conversations as the CLI writes them: 2-12 messages each, some named; conversation i updated at minute i. */
function writeStore(dir, count) {
  mkdirSync(dir, {mode: 0o700, recursive: true})
  const start = Date.UTC(2025, 0, 1)
  const ids = []
  for (let index = 0; index < count; index++) {
    const created = start + index * 60_000
    const id = `${created.toString(36).padStart(8, '0').slice(-8)}-${(index % 1_679_616).toString(36).padStart(4, '0')}`
    const turns = 1 + (index % 6)
    const messages = []
    for (let turn = 0; turn < turns; turn++) {
      messages.push({content: text(index + turn, 8 + ((index + turn) % 30)), role: 'user'})
      messages.push({content: text(index * 3 + turn, 20 + ((index * 7 + turn) % 120)), role: 'assistant'})
    }
    const updated = new Date(created + 30_000)
    const conversation = {
      version: 1,
      id,
      ...(index % 10 === 0 ? {name: `topic-${index}`} : {}),
      model: index % 2 ? 'llama-3.3-70b-versatile' : 'openai/gpt-oss-20b',
      created_at: new Date(created).toISOString(),
      updated_at: updated.toISOString(),
      params: index % 3 ? {} : {temperature: 0.2},
      usage: {completion_tokens: 40 * turns, prompt_tokens: 90 * turns, total_tokens: 130 * turns},
      messages,
    }
    const path = join(dir, `${id}.json`)
    writeFileSync(path, JSON.stringify(conversation, null, 2) + '\n', {mode: 0o600})
    utimesSync(path, updated, updated)
    ids.push(id)
  }
  return ids // in updated_at order: the last is the latest
}

/** Every file's times set to now, as after a `cp -r`, a restore or `touch`: newer than every updated_at. */
function touchAll(dir, ids) {
  const now = new Date()
  for (const id of ids) utimesSync(join(dir, `${id}.json`), now, now)
}

// The store's index takes files that have not changed for two seconds: wait that long after changing them.
const settle = () => new Promise((resolve) => setTimeout(resolve, 2500))

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'groq-scale-'))
  const server = fork(fileURLToPath(import.meta.url), ['--serve', 'api', '--rows', String(ROWS)], {stdio: 'inherit'})
  let lastMessages = 0
  server.on('message', (message) => {
    if (message.messages) lastMessages = message.messages
  })
  const port = await new Promise((resolve) => server.once('message', (message) => resolve(message.port)))
  const baseURL = `http://127.0.0.1:${port}`
  const env = {
    ...process.env,
    GROQ_API_KEY: 'gsk_bench',
    NO_COLOR: '1',
    XDG_CACHE_HOME: join(work, 'cache'),
    XDG_CONFIG_HOME: join(work, 'config'),
    XDG_DATA_HOME: join(work, 'data'),
  }
  const builds = {groq: join(ROOT, 'bin', 'run.js')}
  if (values.other) builds.other = join(values.other, 'bin', 'run.js')

  /** Each build keeps its conversations in its own copy of the store: one build's saves never touch the other's. */
  const dataHomes = Object.fromEntries(Object.keys(builds).map((name) => [name, join(work, `data-${name}`)]))
  const envOf = (run) => {
    const name = Object.keys(builds).find((key) => builds[key] === run)
    return name ? {...env, XDG_DATA_HOME: dataHomes[name]} : env
  }

  /** Wall ms of one run (stdout drained and discarded); a non-zero exit throws with stderr. */
  function timed(argv, runEnv = envOf(argv[0])) {
    return new Promise((resolve, reject) => {
      const started = performance.now()
      const child = spawn(process.execPath, argv, {env: runEnv, stdio: ['ignore', 'pipe', 'pipe']})
      let stderr = ''
      child.stdout.resume()
      child.stderr.on('data', (data) => (stderr += data))
      child.on('error', reject)
      child.on('close', (code) => {
        if (code === 0) resolve(performance.now() - started)
        else reject(new Error(`${argv.join(' ')}: exit ${code}\n${stderr}`))
      })
    })
  }
  const rss = (argv, runs = 3) => median(Array.from({length: runs}, () => peakRss([process.execPath, ...argv], {env})))

  const figures = {rounds: ROUNDS, node: process.version, targets: [], cases: []}
  const target = (name, value, limit, unit = 'x') => {
    const pass = value <= limit
    figures.targets.push({limit, name, pass, unit, value})
    const shown = (number) =>
      unit === 'x' ? `${number.toFixed(2)}x` : `${number.toFixed(unit === 's' ? 2 : 1)} ${unit}`
    console.log(
      `  ${name.padEnd(60)} ${shown(value).padStart(9)}   at most ${shown(limit).padStart(8)}   ${pass ? 'PASS' : 'MISS'}`,
    )
  }
  const report = (name, value, unit) => {
    figures.cases.push({name, unit, value})
    const shown = unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(unit === 'MB' ? 1 : 0)} ${unit}`
    console.log(`  ${name.padEnd(60)} ${shown.padStart(9)}`)
  }

  try {
    console.log(`Node ${process.version}, ${ROUNDS} rounds${values.other ? `, other: ${values.other}` : ''}\n`)

    if (ONLY.has('stream')) {
      const tokens = Number(values.tokens)
      const streamServer = fork(
        join(ROOT, 'bench', 'chat-stream.mjs'),
        ['--serve', '--tokens', values.tokens, '--first-pause', '0'],
        {
          stdio: 'inherit',
        },
      )
      const streamPort = await new Promise((resolve) =>
        streamServer.on('message', (message) => message.port && resolve(message.port)),
      )
      const streamURL = `http://127.0.0.1:${streamPort}`
      const chat = (run, ...flags) => [run, 'chat', 'bench', '--base-url', streamURL, '--max-retries', '0', ...flags]
      const runs = Math.max(3, Math.min(ROUNDS, 5))
      console.log(`Streaming ${tokens.toLocaleString('en-US')} tokens: peak RSS, median of ${runs} runs each`)
      const peaks = {floor: [], json: []}
      for (const name of Object.keys(builds)) peaks[name] = []
      for (let run = 0; run < runs; run++) {
        peaks.floor.push(peakRss([process.execPath, join(ROOT, 'bench', 'stream-floor.mjs'), streamURL], {env}))
        for (const [name, path] of Object.entries(builds))
          peaks[name].push(peakRss([process.execPath, ...chat(path)], {env}))
        peaks.json.push(peakRss([process.execPath, ...chat(builds.groq, '--json')], {env}))
      }
      streamServer.disconnect()
      const floor = median(peaks.floor)
      report('minimal reader (bench/stream-floor.mjs)', floor, 'MB')
      report('groq chat', median(peaks.groq), 'MB')
      if (builds.other) report('groq chat, other build', median(peaks.other), 'MB')
      report('groq chat --json (keeps the answer, prints it)', median(peaks.json), 'MB')
      target('groq chat peak RSS / minimal reader', median(peaks.groq) / floor, 1.25)
      if (builds.other) report('groq chat, other build / minimal reader', median(peaks.other) / floor, 'x')
      console.log('')
    }

    if (ONLY.has('continue') || ONLY.has('list')) {
      const stores = Object.fromEntries(
        Object.keys(builds).map((name) => [name, join(dataHomes[name], 'groq', 'conversations')]),
      )
      const started = performance.now()
      let ids
      for (const store of Object.values(stores)) ids = writeStore(store, CONVERSATIONS)
      const store = stores.groq
      const latest = ids.at(-1)
      console.log(
        `${CONVERSATIONS.toLocaleString('en-US')} saved conversations for each build (written in ${((performance.now() - started) / 1000).toFixed(1)} s); the latest is ${latest}`,
      )
      await settle()
      const cont = (run, ...how) => [
        run,
        'chat',
        ...how,
        'one more question',
        '--base-url',
        baseURL,
        '--max-retries',
        '0',
      ]
      const list = (run) => [run, 'conversations', 'list']
      // Untimed: each build once, so the groq build's index exists (the other build has none).
      for (const run of Object.values(builds)) await timed(cont(run, '-c'))

      /** Rounds of -c and --conversation (and list) for the builds given; per-round ratios. */
      const rounds = async (label, names, count) => {
        const ratios = Object.fromEntries(names.map((name) => [name, []]))
        const walls = Object.fromEntries(
          names.flatMap((name) => [
            [`${name} -c`, []],
            [`${name} --conversation`, []],
            [`${name} list`, []],
            [`${name} list empty`, []],
          ]),
        )
        for (let round = 0; round < count; round++) {
          for (const name of names) {
            if (ONLY.has('continue')) {
              const byId = await timed(cont(builds[name], '--conversation', latest))
              const sentById = lastMessages
              const latestRun = await timed(cont(builds[name], '-c'))
              if (lastMessages !== sentById + 2) throw new Error(`${name}: -c did not continue ${latest}`)
              walls[`${name} --conversation`].push(byId)
              walls[`${name} -c`].push(latestRun)
              ratios[name].push(latestRun / byId)
            }
            if (ONLY.has('list')) {
              walls[`${name} list`].push(await timed(list(builds[name])))
              // The same command on an empty store: what start-up alone costs in this round.
              const empty = {...env, XDG_DATA_HOME: join(work, 'empty')}
              walls[`${name} list empty`].push(await timed(list(builds[name]), empty))
            }
          }
        }
        console.log(label)
        for (const name of names) {
          if (ONLY.has('continue')) {
            report(`${name} chat --conversation ID (median ms)`, median(walls[`${name} --conversation`]), 'ms')
            report(`${name} chat -c (median ms)`, median(walls[`${name} -c`]), 'ms')
          }
        }
        return {ratios, walls}
      }

      const realistic = await rounds('File times as written (mtime = updated_at):', Object.keys(builds), ROUNDS)
      if (ONLY.has('continue'))
        target('chat -c / chat --conversation ID, times as written', median(realistic.ratios.groq), 1.2)
      if (builds.other && ONLY.has('continue'))
        report('other build: chat -c / --conversation', median(realistic.ratios.other), 'x')
      if (ONLY.has('list')) {
        for (const name of Object.keys(builds))
          report(`${name} conversations list (median ms)`, median(realistic.walls[`${name} list`]), 'ms')
        report('groq conversations list, empty store (median ms)', median(realistic.walls['groq list empty']), 'ms')
        target('conversations list, median wall time', median(realistic.walls['groq list']) / 1000, 0.5, 's')
      }

      if (ONLY.has('continue')) {
        // After a cp -r, a restore or touch: the first run reads every file again (timed apart), later runs do not.
        const rebuilds = []
        for (let run = 0; run < 3; run++) {
          touchAll(store, ids)
          await settle()
          rebuilds.push(await timed(cont(builds.groq, '-c')))
        }
        await settle()
        const newer = await rounds(
          'Every file newer than every updated_at (after cp -r, a restore, touch):',
          ['groq'],
          ROUNDS,
        )
        target('chat -c / chat --conversation ID, files newer', median(newer.ratios.groq), 1.2)
        report('groq chat -c, the first run after touching every file (median of 3)', median(rebuilds), 'ms')
        if (builds.other) {
          touchAll(stores.other, ids)
          const once = await timed(cont(builds.other, '-c'))
          report('other build: chat -c with every file newer (one run)', once, 'ms')
        }
      }
      console.log('')
    }

    if (ONLY.has('table')) {
      console.log(`groq files list, ${ROWS.toLocaleString('en-US')} rows, piped:`)
      const files = (run, format) => [run, 'files', 'list', '-o', format, '--base-url', baseURL, '--max-retries', '0']
      const walls = {}
      const ratios = Object.fromEntries(Object.keys(builds).map((name) => [name, []]))
      for (const name of Object.keys(builds)) for (const format of ['plain', 'table']) walls[`${name} ${format}`] = []
      for (const run of Object.values(builds)) await timed(files(run, 'table'))
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, run] of Object.entries(builds)) {
          const plain = await timed(files(run, 'plain'))
          const table = await timed(files(run, 'table'))
          walls[`${name} plain`].push(plain)
          walls[`${name} table`].push(table)
          ratios[name].push(table / plain)
        }
      }
      for (const [name, run] of Object.entries(builds)) {
        report(`${name} -o plain (median ms)`, median(walls[`${name} plain`]), 'ms')
        report(`${name} -o table (median ms)`, median(walls[`${name} table`]), 'ms')
        report(`${name} -o table peak RSS`, rss(files(run, 'table')), 'MB')
      }
      target('-o table / -o plain', median(ratios.groq), 2)
      target('-o table peak RSS', rss(files(builds.groq, 'table')), 100, 'MB')
      if (builds.other) report('other build: -o table / -o plain', median(ratios.other), 'x')
    }
  } finally {
    server.disconnect()
    rmSync(work, {force: true, recursive: true})
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(figures, null, 2) + '\n')
  const missed = figures.targets.filter((entry) => !entry.pass)
  if (missed.length > 0) console.log(`\n${missed.length} target(s) missed`)
}

if (values.serve === 'api') serveApi()
else await main()
