import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {expandInputs, outputName, runInputs, targetsFor} from '../../src/lib/audio/run-inputs.js'
import {CliError, UsageError} from '../../src/lib/core/errors.js'
import {tempHome} from '../helpers/run.js'

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe('outputName', () => {
  it.each([
    ['talks/keynote.mp3', 'keynote'],
    ['a.b.wav', 'a.b'],
    ['.hidden.wav', 'hidden'],
    ['https://cdn.example.com/audio/ep%2001.m4a?sig=x', 'ep 01'],
    ['https://example.com/', 'audio'],
    ['https://example.com/a/..%2F..%2Fetc.mp3', '_.._etc'],
  ])('%s → %s', (input, name) => {
    expect(outputName(input)).toBe(name)
  })
})

describe('targetsFor', () => {
  it('DIR/<name>.<ext> per input; two inputs onto one target are refused before anything runs', () => {
    expect(targetsFor(['a/x.mp3', 'y.wav'], 'out', 'srt')).toEqual([join('out', 'x.srt'), join('out', 'y.srt')])
    expect(() => targetsFor(['a/x.mp3', 'b/x.wav'], 'out', 'txt')).toThrow(
      `a/x.mp3 and b/x.wav would both be written to ${join('out', 'x.txt')}; give them separate runs`,
    )
  })
})

describe('expandInputs', () => {
  it('a directory becomes its audio files, sorted, without hidden or other files; files and URLs stay in place', async () => {
    const root = tempHome().root
    const dir = join(root, 'rec')
    mkdirSync(join(dir, 'sub'), {recursive: true})
    for (const name of ['b.mp3', 'a.WAV', '.c.wav', 'notes.txt', 'sub/d.wav']) writeFileSync(join(dir, name), 'x')
    expect(await expandInputs(['one.ogg', dir, 'https://x/y.mp3'])).toEqual([
      'one.ogg',
      join(dir, 'a.WAV'),
      join(dir, 'b.mp3'),
      'https://x/y.mp3',
    ])
    await expect(expandInputs([join(dir, 'sub', '..', 'sub', '..', '..')])).rejects.toThrow(
      'no audio files in this directory',
    )
  })
})

describe('runInputs', () => {
  it('runs N at a time and reports outcomes in input order as soon as they can be', async () => {
    let running = 0
    let most = 0
    const reported: string[] = []
    const delays = [60, 10, 30, 5, 5]
    const result = await runInputs({
      concurrency: 2,
      inputs: ['a', 'b', 'c', 'd', 'e'],
      onOutcome: (outcome, index) => reported.push(`${index}:${outcome.input}`),
      async work(input, index) {
        running++
        most = Math.max(most, running)
        await sleep(delays[index])
        running--
        return input.toUpperCase()
      },
    })
    expect(most).toBe(2)
    expect(reported).toEqual(['0:a', '1:b', '2:c', '3:d', '4:e'])
    expect(result.outcomes.map((outcome) => outcome.status === 'done' && outcome.result)).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
    ])
    expect(result).toMatchObject({exitCode: 0, summary: '5 inputs: 5 done, 0 failed'})
  })

  it('one failure does not stop the rest; the exit code is the highest; the summary counts each kind', async () => {
    const dir = join(tempHome().root, 'out')
    mkdirSync(dir)
    writeFileSync(join(dir, 'done.txt'), 'from before\n')
    const worked: string[] = []
    const result = await runInputs({
      concurrency: 3,
      content: (text: string) => text + '\n',
      extension: 'txt',
      inputs: ['bad.wav', 'good.wav', 'done.wav', 'gone.wav'],
      outDir: dir,
      async work(input) {
        worked.push(input)
        if (input === 'bad.wav') throw new UsageError('bad.wav: does not look like WAV')
        if (input === 'gone.wav') throw new CliError('boom')
        return `text of ${input}`
      },
    })
    expect(worked.sort()).toEqual(['bad.wav', 'gone.wav', 'good.wav'])
    expect(result.exitCode).toBe(2)
    expect(result.summary).toBe('4 inputs: 1 done, 1 skipped (already there), 2 failed')
    expect(result.outcomes).toEqual([
      {error: {exitCode: 2, message: 'bad.wav: does not look like WAV'}, input: 'bad.wav', status: 'failed'},
      {input: 'good.wav', result: 'text of good.wav', status: 'done', target: join(dir, 'good.txt')},
      {input: 'done.wav', status: 'skipped', target: join(dir, 'done.txt')},
      {error: {exitCode: 1, message: 'boom'}, input: 'gone.wav', status: 'failed'},
    ])
    expect(readFileSync(join(dir, 'good.txt'), 'utf8')).toBe('text of good.wav\n')
    expect(readFileSync(join(dir, 'done.txt'), 'utf8')).toBe('from before\n')
    // Written atomically: no temp file left beside the results.
    expect(readdirSync(dir).sort()).toEqual(['done.txt', 'good.txt'])
  })

  it('--force redoes what is there', async () => {
    const dir = join(tempHome().root, 'out')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a.srt'), 'old')
    const result = await runInputs({
      concurrency: 2,
      content: () => 'new',
      extension: 'srt',
      force: true,
      inputs: ['a.mp3'],
      outDir: dir,
      work: async () => 'x',
    })
    expect(result.summary).toBe('1 input: 1 done, 0 failed')
    expect(readFileSync(join(dir, 'a.srt'), 'utf8')).toBe('new')
  })

  it('an interrupt ends the whole run instead of counting as one failure', async () => {
    const interrupted = new CliError('Interrupted', 130)
    await expect(
      runInputs({
        concurrency: 1,
        inputs: ['a', 'b'],
        work: async () => {
          throw interrupted
        },
      }),
    ).rejects.toBe(interrupted)
  })
})
