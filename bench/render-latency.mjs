#!/usr/bin/env node
// First-delta latency of `groq chat` with markdown rendering on, through a pseudo-terminal (issue 12), beside the
// same run with --no-render on the same pseudo-terminal and the TTY-less run bench/perf.mjs measures.
//
// One local server in its own process (so its event loop stays out of the timings) streams a role chunk, waits
// 100 ms (the renderer's parser loads in that time, as it loads while a real request is on its way), then writes
// the first delta, a whole line ("FIRST\n": rendered text appears at the end of its line), stamped with the time
// it was written. The pseudo-terminal is util-linux `script`, whose relay adds a hop; --no-render on the same
// pseudo-terminal is the baseline for the rendering's own cost. Interleaved rounds, medians.
//
// Usage: npm run build, then  node bench/render-latency.mjs [--rounds 15]
import {fork, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const {values} = parseArgs({
  options: {rounds: {default: '15', type: 'string'}, serve: {default: false, type: 'boolean'}},
})
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const chunk = (delta) =>
  `data: ${JSON.stringify({choices: [{delta, finish_reason: null, index: 0, logprobs: null}], created: 1, id: 'c', model: 'm', object: 'chat.completion.chunk'})}\n\n`

if (values.serve) {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(200, {'content-type': 'text/event-stream'})
      response.write(chunk({content: '', role: 'assistant'}))
      setTimeout(() => {
        response.write(chunk({content: 'FIRST\n'}), () =>
          process.send({writtenAt: performance.timeOrigin + performance.now()}),
        )
        setTimeout(() => response.end(chunk({content: 'the **rest**'}) + 'data: [DONE]\n\n'), 50)
      }, 100)
    })
  })
  server.listen(0, '127.0.0.1', () => process.send({port: server.address().port}))
} else {
  await main()
}

async function main() {
  const server = fork(fileURLToPath(import.meta.url), ['--serve'])
  const {port} = await new Promise((resolve) => server.once('message', resolve))
  const home = mkdtempSync(join(tmpdir(), 'groq-render-bench-'))
  const env = {
    GROQ_API_KEY: 'gsk_bench_0123456789',
    GROQ_BASE_URL: `http://127.0.0.1:${port}`,
    HOME: home,
    LANG: 'C.UTF-8',
    PATH: process.env.PATH,
    TERM: 'xterm-256color',
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
  }
  const groq = [process.execPath, join(ROOT, 'bin/run.js'), 'chat', '--no-save']
  const quote = (word) => `'${word.replaceAll("'", "'\\''")}'`
  const cases = {
    'piped (no TTY), as bench/perf.mjs': [groq[0], [...groq.slice(1), 'hi']],
    'pseudo-terminal, --no-render': [
      'script',
      ['-qfec', [...groq, '--no-render', 'hi'].map(quote).join(' '), '/dev/null'],
    ],
    'pseudo-terminal, rendering on': ['script', ['-qfec', [...groq, 'hi'].map(quote).join(' '), '/dev/null']],
  }
  const delays = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
  const once = async ([command, args]) => {
    const written = new Promise((resolve) => server.once('message', (message) => resolve(message.writtenAt)))
    const arrived = await new Promise((resolve, reject) => {
      const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'inherit']})
      let at
      let seen = ''
      child.stdout.on('data', (data) => {
        seen += data
        if (at === undefined && seen.includes('FIRST')) at = performance.timeOrigin + performance.now()
      })
      child.on('close', (code) =>
        code === 0 && at ? resolve(at) : reject(new Error(`${command} exited ${code}: ${seen}`)),
      )
    })
    return arrived - (await written)
  }
  // Warm-up (the CLI's caches), then interleaved rounds.
  for (const spec of Object.values(cases)) await once(spec)
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, spec] of Object.entries(cases)) delays[name].push(await once(spec))
  }
  server.kill()
  rmSync(home, {force: true, recursive: true})

  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]
  console.log(
    `Node ${process.version}, ${values.rounds} interleaved rounds, first delta "FIRST\\n" written by a local server\n`,
  )
  console.log('| first delta: socket write -> visible on stdout | median ms | max ms |')
  console.log('|------------------------------------------------|----------:|-------:|')
  for (const [name, list] of Object.entries(delays)) {
    console.log(
      `| ${name.padEnd(46)} | ${median(list).toFixed(2).padStart(9)} | ${Math.max(...list)
        .toFixed(2)
        .padStart(6)} |`,
    )
  }
  const cost = median(delays['pseudo-terminal, rendering on']) - median(delays['pseudo-terminal, --no-render'])
  console.log(
    `\nrendering's own cost at the first delta (rendering on - --no-render, same pseudo-terminal): ${cost.toFixed(2)} ms`,
  )
}
