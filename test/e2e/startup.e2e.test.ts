/**
 * The start-up shortcuts must not change an answer. bin/run.js answers `--version` itself and runs the rest on the
 * @oclif/core that the build bundled into dist/oclif/core.cjs (scripts/bundle-oclif.mjs, loaded by bin/oclif.js).
 * Each case runs the built CLI and, as the reference, stock oclif: `execute()` from the unbundled @oclif/core in
 * node_modules, on the same install (same dist/, same manifest).
 */
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {Config} from '@oclif/core'
import {beforeAll, describe, expect, it} from 'vitest'

import {BIN, builtByThisNode, cleanEnv, homeEnv, makeHome, NODE, NODE_VERSION, ROOT} from '../helpers/cli.js'

// Stock oclif: execute() from node_modules/@oclif/core, the argv after `--`. It skips bin/run.js altogether.
const STOCK = `import {execute} from '@oclif/core'\nawait execute({dir: ${JSON.stringify(ROOT)}, args: process.argv.slice(1)})`

interface Result {
  exitCode: null | number
  stderr: string
  stdout: string
}

/** Runs `node ...args` in the clean environment of the e2e helpers (no GROQ_*, no NODE_ENV, an empty home). */
async function node(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const home = makeHome()
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(NODE, args, {
        cwd: ROOT,
        env: {...cleanEnv(home), ...env},
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
      child.on('error', reject)
      child.on('close', (exitCode) =>
        resolve({exitCode, stderr: Buffer.concat(err).toString('utf8'), stdout: Buffer.concat(out).toString('utf8')}),
      )
    })
  } finally {
    rmSync(home, {force: true, recursive: true})
  }
}

const groq = (argv: string[], env?: Record<string, string>) => node([BIN, ...argv], env)
const stockOclif = (argv: string[], env?: Record<string, string>) =>
  node(['--input-type=module', '-e', STOCK, '--', ...argv], env)

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'oclif', 'core.cjs'))) {
    throw new Error('No built CLI (dist/oclif/core.cjs): run `npm run build` first.')
  }
})

describe.concurrent('--version is answered without oclif, with oclif’s answer', () => {
  it('equals Config#userAgent of this install, computed in-process', async () => {
    const config = await Config.load({root: ROOT})
    const result = await groq(['--version'])
    // The in-process answer names this process's node; the CLI runs on NODE (cli.ts), which may be another version.
    const expected = config.userAgent.replace(`node-${process.version}`, `node-${NODE_VERSION}`)
    expect(result).toEqual({exitCode: 0, stderr: '', stdout: expected + '\n'})
    expect(result.stdout).toMatch(/^groq-cli\/\d+\.\d+\.\d+\S* [a-z0-9]+-[a-z0-9]+ node-v\d+\.\d+\.\d+\n$/)
  })

  it.each([[['--version']], [['--version', 'models', 'list']], [['--version', '--help']]])(
    '%j prints what stock oclif prints',
    async (argv) => {
      const [ours, stock] = await Promise.all([groq(argv), stockOclif(argv)])
      expect(stock.exitCode).toBe(0)
      expect(ours).toEqual(stock)
    },
  )

  it('does not load @oclif/core for it (the fast path is taken)', async () => {
    // oclif's settings module sets globalThis.oclif as soon as any copy of @oclif/core is evaluated.
    const probe =
      'data:text/javascript,process.on("exit",()=>process.stderr.write("oclif loaded: "+("oclif" in globalThis)))'
    const fast = await node(['--import', probe, BIN, '--version'])
    expect(fast.stderr).toBe('oclif loaded: false')
    const slow = await node(['--import', probe, BIN, 'config', 'list'])
    expect(slow.stderr).toBe('oclif loaded: true')
  })

  it.each([[['--version']], [['--help']], [['models', '--help']]])(
    '%j through a pipe is written without making process.stdout (node:net never loads)',
    async (argv) => {
      // The probe writes with fs.writeSync: process.stderr, a pipe here, would load node:net itself.
      const probe =
        'data:text/javascript,import {writeSync} from "node:fs";' +
        'process.on("exit",()=>writeSync(2,"net loaded: "+process.moduleLoadList.includes("NativeModule net")))'
      // Twice with one home: under another Node than the build's, the root page names that Node, so oclif renders it
      // the first time and the run keeps it (help-pages.ts); the second is answered as the build's pages are.
      const home = makeHome()
      const result = await node([BIN, ...argv], homeEnv(home))
        .then(() => node(['--import', probe, BIN, ...argv], homeEnv(home)))
        .finally(() => rmSync(home, {force: true, recursive: true}))
      expect(result.stderr).toBe('net loaded: false')
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toContain(argv[0] === '--version' ? 'groq-cli/' : 'USAGE')
    },
  )

  it.each([[['--version']], [['--help']]])('%j into a pipe its reader closed: exit 0, nothing on stderr', (argv) => {
    // `true` has exited (and closed the pipe) before groq writes: the write fails with EPIPE, as after `| head -1`.
    const script = `exec 3>&1; (sleep 0.3; "$0" "$@" 2>&3; echo "exit $?" >&3) | true`
    const shell = spawnSync('sh', ['-c', script, NODE, BIN, ...argv], {encoding: 'utf8', env: cleanEnv(makeHome())})
    expect(shell.stdout).toBe('exit 0\n')
  })

  it('leaves it to oclif when oclif would do more (NODE_ENV=development loads devPlugins), same answer', async () => {
    const env = {NODE_ENV: 'development'}
    const [ours, stock] = await Promise.all([groq(['--version'], env), stockOclif(['--version'], env)])
    expect(ours).toEqual(stock)
  })

  it.each([[['-v']], [['version']]])('%j is not a version flag for oclif, nor for the fast path', async (argv) => {
    // An unknown command for both (src/hooks/command-not-found.ts: a usage error).
    const [ours, stock] = await Promise.all([groq(argv), stockOclif(argv)])
    expect(ours.stdout).toBe(stock.stdout)
    expect(ours.stdout).toBe('')
    expect(stock.exitCode).not.toBe(0)
    expect(ours.exitCode).not.toBe(0)
  })
})

describe.concurrent('the bundled oclif prints what stock oclif prints', () => {
  it.each([
    [[]],
    [['--help']],
    [['models']],
    [['models', '--help']],
    [['models', 'list', '--help']],
    [['models', 'get', '--help']],
    [['auth', '--help']],
    [['config', 'set', '--help']],
    [['conversations', 'list', '--help']],
    [['chat', '--help']],
    [['help']],
    [['help', 'models', 'list']],
    [['autocomplete', '--help']],
    [['models', 'list']], // runs the command: no API key, exit 3
    [['models', 'list', '--bogus']], // a parse error, exit 2
  ])('groq %j', async (argv) => {
    const [ours, stock] = await Promise.all([groq(argv), stockOclif(argv)])
    expect(ours).toEqual(stock)
    expect(ours.stdout + ours.stderr).not.toBe('')
  })
})

describe.concurrent('one copy of oclif, from the bundle', () => {
  // At exit: every file of node_modules/@oclif/core that is in require.cache (the ESM loader puts CommonJS there too).
  const probe =
    'data:text/javascript,import {createRequire} from "node:module";' +
    'process.on("exit",()=>process.stderr.write("\\noclif files: "+JSON.stringify(Object.keys(createRequire("/").cache)' +
    '.filter((f)=>f.includes("/@oclif/core/lib/")).map((f)=>f.slice(f.indexOf("/@oclif/core/lib/")+17)))))'
  const files = (stderr: string) => JSON.parse(/\noclif files: (.*)$/.exec(stderr)![1]) as string[]
  const corePjson = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@oclif', 'core', 'package.json'), 'utf8')) as {
    exports: Record<string, string>
  }
  // bin/oclif.js stands in for exactly these files; nothing else of node_modules/@oclif/core may load.
  const entryFiles = Object.values(corePjson.exports)
    .filter((file) => file.startsWith('./lib/'))
    .map((file) => file.slice(6))

  it.each([
    [['models', 'list']], // our command: dist/lib/core/base-command.js imports @oclif/core
    [['help', 'models', '--nested-commands']], // @oclif/plugin-help's command imports @oclif/core too (a page not kept)
  ])('groq %j runs on the bundled copy, stock oclif on node_modules', async (argv) => {
    const ours = files((await node(['--import', probe, BIN, ...argv])).stderr)
    expect(ours).toContain('index.js')
    for (const file of ours) expect(entryFiles).toContain(file)
    const stock = files((await node(['--import', probe, '--input-type=module', '-e', STOCK, '--', ...argv])).stderr)
    expect(stock).toContain('config/config.js')
    expect(stock.length).toBeGreaterThan(50)
  })

  it('the build sorts commands with src/lib/boot/command-order.ts, not localeCompare (the help tests above compare the order)', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'oclif', 'core.cjs'), 'utf8')
    expect(bundle).toContain('.sort((a,b)=>compareCommandIds(a.id,b.id))')
    expect(bundle).not.toContain('localeCompare(b.id)')
  })

  it('the code cache the build saved is accepted by this Node (else each start compiles oclif anew)', async () => {
    // @ts-expect-error bin/oclif.js is plain JavaScript
    const {loadOclif} = (await import('../../bin/oclif.js')) as {
      loadOclif(options?: {codeCache?: boolean}): {cache: string; script: {cachedDataRejected?: boolean}}
    }
    const oclif = loadOclif()
    if (builtByThisNode(join(ROOT, 'dist', 'oclif', 'core.cjs'))) {
      expect(oclif.cache).toBe('build')
      expect(oclif.script.cachedDataRejected).toBe(false)
    } else {
      expect(oclif.cache).toBe('none') // another Node built: a run keeps its own cache (code-cache.e2e.test.ts)
    }
  })
})
