#!/usr/bin/env node
// The package as a user gets it: `npm pack` ships only what runs (no bin/dev.js, sources, tests or build stamp) and a
// LICENSE; installed from the tarball into a temp prefix (`npm i -g --prefix`), `groq --version`, `groq --help` and
// `groq models list` (against a local server) work from there, on this node and on each `--node PATH` given.
// Run after `npm run build` (.ci/run does).
//
//   node scripts/ci/check-package.mjs [--node /path/to/node ...]
import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const nodes = [process.execPath]
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--node' && process.argv[i + 1]) nodes.push(process.argv[++i])
  else throw new Error(`unknown argument ${process.argv[i]} (usage: check-package.mjs [--node PATH ...])`)
}

const failures = []
const check = (ok, what) => {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`)
  if (!ok) failures.push(what)
}
const npm = (args, options = {}) =>
  execFileSync('npm', [...args, '--loglevel=error'], {cwd: root, encoding: 'utf8', ...options})

const work = mkdtempSync(join(tmpdir(), 'groq-package-'))
const server = createServer((request, response) => {
  const models = {data: [{created: 1, id: 'pkg-model', object: 'model', owned_by: 'pkg-owner'}], object: 'list'}
  const ok = request.url === '/openai/v1/models' && request.headers.authorization === 'Bearer gsk_package_check'
  response.writeHead(ok ? 200 : 404, {'content-type': 'application/json'})
  response.end(JSON.stringify(ok ? models : {error: {message: `unexpected ${request.method} ${request.url}`}}))
})
try {
  // 1. What the tarball holds.
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work]))
  const files = packed.files.map((file) => file.path).sort()
  const allowed =
    /^(LICENSE|README\.md|package\.json|oclif\.manifest\.json|bin\/(run\.js|oclif\.js|package\.json)|dist\/.+)$/
  const extra = files.filter((file) => !allowed.test(file) || file === 'dist/.build-stamp.json')
  check(extra.length === 0, `the tarball holds only what runs${extra.length ? `; not: ${extra.join(', ')}` : ''}`)
  for (const needed of [
    'LICENSE',
    'README.md',
    'bin/run.js',
    'bin/oclif.js',
    // bin/ is CommonJS in an ES module package: without this run.js would not load.
    'bin/package.json',
    'oclif.manifest.json',
    'dist/help.js',
    'dist/boot.cjs',
    'dist/app.cjs',
  ])
    check(files.includes(needed), `the tarball has ${needed}`)
  check(
    files.some((file) => file.startsWith('dist/commands/')),
    'the tarball has the built commands (dist/commands/)',
  )
  check(/^MIT License/.test(readFileSync(join(root, 'LICENSE'), 'utf8')) && pjson.license === 'MIT', 'LICENSE is MIT')
  process.stdout.write(`     ${files.length} files, ${(packed.size / 1024).toFixed(0)} kB packed\n`)

  // 2. Installed from the tarball as a user would (dependencies only, from npm's cache when it has them).
  const prefix = join(work, 'prefix')
  npm(
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(work, packed.filename),
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  const groq = join(prefix, 'bin', 'groq')

  // 3. Run from there, with an empty home and nothing from this shell (no GROQ_*, no CI).
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseURL = `http://127.0.0.1:${server.address().port}`
  const home = join(work, 'home')
  for (const node of nodes) {
    const version = execFileSync(node, ['--version'], {encoding: 'utf8'}).trim()
    // The installed `groq` is a `#!/usr/bin/env node` script: the node found first on PATH runs it.
    const env = {
      HOME: home,
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      PATH: [dirname(node), process.env.PATH].join(delimiter),
      XDG_CACHE_HOME: join(home, 'cache'),
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_DATA_HOME: join(home, 'data'),
    }
    // Not spawnSync: the local server answers from this process's event loop.
    const run = (args, extraEnv = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(groq, args, {cwd: work, env: {...env, ...extraEnv}, stdio: ['ignore', 'pipe', 'pipe']})
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (chunk) => (stdout += chunk))
        child.stderr.on('data', (chunk) => (stderr += chunk))
        child.on('error', reject)
        child.on('close', (status) => {
          clearTimeout(timer)
          resolve({status, stderr, stdout})
        })
      })
    const arch = process.arch === 'ia32' ? 'x86' : process.arch

    let result = await run(['--version'])
    check(
      result.status === 0 &&
        result.stdout === `${pjson.name}/${pjson.version} ${process.platform}-${arch} node-${version}\n`,
      `${version}: groq --version -> ${JSON.stringify(result.stdout.trim())} ${result.stderr.trim()}`,
    )
    result = await run(['--help'])
    check(
      result.status === 0 &&
        /^USAGE\n {2}\$ groq \[COMMAND\]\n/m.test(result.stdout) &&
        /^ {2}models +/m.test(result.stdout),
      `${version}: groq --help prints the usage and the topics ${result.stderr.trim()}`,
    )
    result = await run(['models', 'list'], {GROQ_API_KEY: 'gsk_package_check', GROQ_BASE_URL: baseURL})
    check(
      result.status === 0 && result.stdout.startsWith('pkg-model\tpkg-owner\t') && result.stderr === '',
      `${version}: groq models list against a local server -> ${JSON.stringify(result.stdout)} ${result.stderr.trim()}`,
    )
  }
} finally {
  server.close()
  rmSync(work, {force: true, recursive: true})
}
if (failures.length > 0) {
  process.stderr.write(`package check: ${failures.length} failed\n`)
  process.exitCode = 1
}
