#!/usr/bin/env node
// Streaming cost of `groq chat` against the floor: a minimal node:http reader that splits SSE by hand.
//
// A local server streams TOKENS chat chunks in Groq's format (one res.write per event, as a server
// does), then `data: [DONE]`. Both clients read the same stream and write each delta to stdout (a pipe
// this script drains and checks). Reported per client: CPU time of the child (user+sys, from this
// process's cutime/cstime in /proc/self/stat, so the server's own CPU is not counted), wall time,
// and the delay from the server writing the first delta to that text reaching us on the pipe.
//
// Then peak RSS of each client (one more run each, under python3's getrusage(RUSAGE_CHILDREN)).
//
// Usage: npm run build first, then  node bench/chat-stream.mjs [--tokens 100000] [--runs 5] [--other DIR]
// --other DIR adds a third client, the groq built in DIR (another checkout or a copy of one with its dist/), run in
// the same interleaved rounds: the fair way to compare two versions of the stream path.
import {fork, spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {median, peakRss} from './measure.mjs'

const {values} = parseArgs({
  options: {
    runs: {default: '5', type: 'string'},
    'first-pause': {default: '300', type: 'string'},
    other: {type: 'string'},
    serve: {default: false, type: 'boolean'},
    tokens: {default: '100000', type: 'string'},
  },
})
const TOKENS = Number(values.tokens)
const RUNS = Number(values.runs)
const FIRST_PAUSE_MS = Number(values['first-pause'])
const ROOT = fileURLToPath(new URL('..', import.meta.url))

// ---- the stream ------------------------------------------------------------------------------
const WORDS = [
  'the',
  'model',
  'streams',
  'tokens',
  'quickly',
  'and',
  'each',
  'delta',
  'is',
  'small',
  'naïve',
  '✓',
  'x\\y',
  '"q"',
]
const head = {
  id: 'chatcmpl-f51b2cd2-bef7-417e-964e-a08f0b513c22',
  object: 'chat.completion.chunk',
  created: 1730241104,
  model: 'llama-3.3-70b-versatile',
  system_fingerprint: 'fp_179b0f92c9',
}
const event = (object) => `data: ${JSON.stringify(object)}\n\n`
const chunk = (delta, finish = null, extra = {}) =>
  event({...head, choices: [{index: 0, delta, logprobs: null, finish_reason: finish}], ...extra})
const first = chunk({role: 'assistant', content: ''}, null, {x_groq: {id: 'req_bench'}})
const tokens = Array.from(
  {length: TOKENS},
  (_, index) => (index % 40 === 39 ? '\n' : ' ') + WORDS[index % WORDS.length],
)
const events = tokens.map((token) => chunk({content: token}))
const usage = {
  queue_time: 0.01,
  prompt_tokens: 10,
  prompt_time: 0.001,
  completion_tokens: TOKENS,
  completion_time: TOKENS / 1000,
  total_tokens: TOKENS + 10,
  total_time: TOKENS / 1000 + 0.001,
}
const last = chunk({}, 'stop', {x_groq: {id: 'req_bench', usage}})
const expected = tokens.join('').replace(/\n+$/, '') + '\n'
const streamBytes = first.length + events.reduce((sum, text) => sum + Buffer.byteLength(text), 0) + last.length + 14

// The server runs in its own process (forked from this script), so that its CPU and its event loop
// never mix with the measuring and with the draining of the clients' stdout.
const now = () => performance.timeOrigin + performance.now()
if (values.serve) {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', async () => {
      response.writeHead(200, {'cache-control': 'no-cache', 'content-type': 'text/event-stream'})
      response.write(first)
      if (request.url.startsWith('/one-token/')) {
        response.end(chunk({content: 'x'}) + last + 'data: [DONE]\n\n')
        return
      }
      // The first delta, alone, then a pause: its arrival on the client's stdout is timed.
      await new Promise((resolve) => setTimeout(resolve, FIRST_PAUSE_MS))
      process.send({firstDeltaWrittenAt: now()})
      response.write(events[0])
      await new Promise((resolve) => setTimeout(resolve, FIRST_PAUSE_MS))
      for (let index = 1; index < events.length; index++) {
        if (!response.write(events[index])) await new Promise((resolve) => response.once('drain', resolve))
      }
      response.write(last)
      response.end('data: [DONE]\n\n')
    })
  })
  server.listen(0, '127.0.0.1', () => process.send({port: server.address().port}))
  process.on('disconnect', () => process.exit(0))
} else {
  await main()
}

async function main() {
  const serverProcess = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), '--serve'], {stdio: 'inherit'})
  let firstDeltaWrittenAt = 0
  serverProcess.on('message', (message) => {
    if (message.firstDeltaWrittenAt) firstDeltaWrittenAt = message.firstDeltaWrittenAt
  })
  const port = await new Promise((resolve) => serverProcess.once('message', (message) => resolve(message.port)))
  const baseURL = `http://127.0.0.1:${port}`

  // ---- the floor: bench/stream-floor.mjs ------------------------------------------------------------
  const floorScript = join(ROOT, 'bench', 'stream-floor.mjs')

  // ---- measuring -----------------------------------------------------------------------------------
  const TICK = 100 // USER_HZ on Linux
  function childrenCPU() {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[13]) + Number(fields[14])) / TICK) * 1000 // cutime + cstime, in ms
  }

  function runOnce(clientArgs, oneToken = false) {
    const args = oneToken ? clientArgs.map((arg) => (arg === baseURL ? `${baseURL}/one-token` : arg)) : clientArgs
    const want = oneToken ? 'x\n' : expected
    return new Promise((resolve, reject) => {
      const cpuBefore = childrenCPU()
      const start = performance.now()
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: {
          ...process.env,
          GROQ_API_KEY: 'gsk_bench',
          NO_COLOR: '1',
          XDG_CONFIG_HOME: join(tmpdir(), 'groq-bench-config'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const out = []
      let firstAt = 0
      let stderr = ''
      child.stdout.on('data', (data) => {
        if (!firstAt && data.length > 0) firstAt = now()
        out.push(data)
      })
      child.stderr.on('data', (data) => (stderr += data))
      child.on('error', reject)
      child.on('close', (code) => {
        const wall = performance.now() - start
        const cpu = childrenCPU() - cpuBefore
        const text = Buffer.concat(out).toString('utf8')
        if (code !== 0 || text !== want) {
          reject(
            new Error(
              `${args.join(' ')}: exit ${code}, output ${text === want ? 'ok' : `differs (${text.length} vs ${want.length} chars)`}\n${stderr}`,
            ),
          )
          return
        }
        resolve({cpu, firstDelta: firstAt - firstDeltaWrittenAt, wall: wall - 2 * FIRST_PAUSE_MS})
      })
    })
  }

  const rssEnv = {
    ...process.env,
    GROQ_API_KEY: 'gsk_bench',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: join(tmpdir(), 'groq-bench-config'),
  }
  const chatArgs = ['chat', 'bench', '--base-url', baseURL, '--max-retries', '0']
  const clients = {floor: [floorScript, baseURL], groq: ['bin/run.js', ...chatArgs]}
  if (values.other) clients.other = [join(values.other, 'bin', 'run.js'), ...chatArgs]
  const results = Object.fromEntries(Object.keys(clients).map((name) => [name, []]))
  console.log(
    `${TOKENS.toLocaleString('en-US')} tokens, ${(streamBytes / 1e6).toFixed(1)} MB of SSE, ${RUNS} runs each (medians; wall excludes the two ${FIRST_PAUSE_MS} ms pauses)`,
  )
  for (let run = 0; run < RUNS; run++) {
    for (const name of Object.keys(clients)) results[name].push(await runOnce(clients[name]))
  }

  // Start-up alone: the same clients against an empty answer, to split fixed cost from streaming cost.
  const startup = Object.fromEntries(Object.keys(clients).map((name) => [name, []]))
  for (let run = 0; run < RUNS; run++) {
    for (const name of Object.keys(clients)) startup[name].push(await runOnce(clients[name], true))
  }
  const rss = {}
  for (const name of Object.keys(clients))
    rss[name] = peakRss([process.execPath, ...clients[name]], {cwd: ROOT, env: rssEnv})
  serverProcess.disconnect()

  const summary = Object.fromEntries(
    Object.entries(results).map(([name, runs]) => [
      name,
      {
        cpu: median(runs.map((r) => r.cpu)),
        firstDelta: median(runs.map((r) => r.firstDelta)),
        startupCPU: median(startup[name].map((r) => r.cpu)),
        wall: median(runs.map((r) => r.wall)),
        rss: rss[name],
      },
    ]),
  )
  for (const [name, s] of Object.entries(summary)) {
    console.log(
      `${name.padEnd(6)} cpu ${s.cpu.toFixed(0).padStart(5)} ms (start-up ${s.startupCPU.toFixed(0).padStart(4)} ms, streaming ${(s.cpu - s.startupCPU).toFixed(0).padStart(5)} ms)   wall ${s.wall.toFixed(0).padStart(5)} ms   first delta on stdout ${s.firstDelta.toFixed(2)} ms after the server wrote it   peak RSS ${s.rss.toFixed(1)} MB`,
    )
  }
  const streaming = (s) => s.cpu - s.startupCPU
  if (summary.other) {
    const o = summary.other
    const g = summary.groq
    console.log(
      `groq vs other: wall ${(g.wall / o.wall).toFixed(3)}x, cpu ${(g.cpu / o.cpu).toFixed(3)}x, streaming cpu ${(streaming(g) - streaming(o)).toFixed(0)} ms (${(((streaming(g) - streaming(o)) / o.wall) * 100).toFixed(1)}% of other's wall), peak RSS ${g.rss.toFixed(1)} vs ${o.rss.toFixed(1)} MB`,
    )
  }
  console.log(
    `ratio  cpu ${(summary.groq.cpu / summary.floor.cpu).toFixed(2)}x (streaming alone ${(streaming(summary.groq) / streaming(summary.floor)).toFixed(2)}x)   wall ${(summary.groq.wall / summary.floor.wall).toFixed(2)}x   (target: cpu within 1.2x)`,
  )
  console.log(
    `       peak RSS ${(summary.groq.rss / summary.floor.rss).toFixed(2)}x the floor (issue 14: at most 1.25x at 300k tokens; bench/scale.mjs takes the median of several runs)`,
  )
}
