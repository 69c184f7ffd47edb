import {stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {Args, Flags} from '../../lib/core/oclif.js'

import {assertCompleted, checkCompletionWindow, parseMetadata, waitForBatches} from '../../lib/batches/lifecycle.js'
import {downloadFile, indexResults, inputIds, writeJoined} from '../../lib/batches/results.js'
import {buildParts, type Chunk, loadState, openInput, type RunState, saveState} from '../../lib/batches/run.js'
import {uploadFile} from '../../lib/batches/upload.js'
import {HELP_GROUPS, paramFlags} from '../../lib/chat/flags.js'
import {buildRequest, type ChatFlags} from '../../lib/chat/request.js'
import {BaseCommand} from '../../lib/core/base-command.js'
import {DEFAULT_BATCH_MAX_REQUESTS, DEFAULT_MAX_FILE_SIZE, numberSetting} from '../../lib/core/config.js'
import {parseDuration} from '../../lib/core/duration.js'
import {UsageError} from '../../lib/core/errors.js'
import {forceFlag, outFlag} from '../../lib/core/flags.js'
import {BATCH_COLUMNS, type GroqBatch} from '../../lib/output/columns/batches.js'
import {list} from '../../lib/output/types.js'
import {fileSize, resolveSink} from '../../lib/transfer/index.js'

const {messages: MESSAGES, model: MODEL, tools: TOOLS} = HELP_GROUPS

export default class BatchesRun extends BaseCommand<typeof BatchesRun> {
  static summary = 'Run a whole batch job: prompts in, joined results out'
  static description =
    'PROMPTS is a text file (one prompt per line), a JSONL of {"messages": [...]} or of ready batch lines, or - for ' +
    'stdin. Builds the requests (custom_ids stable across runs), validates them, splits them into several batches ' +
    'above batches.max_requests or files.max_size, uploads, creates the batches and prints their ids at once. With ' +
    '--wait it waits and writes one result line per prompt, in input order, to -O (or stdout). --resume reuses the ' +
    'batches a previous run of the same input created (state in $XDG_STATE_HOME/groq/batches/).\n\n' +
    'Each request is what `groq chat` would send: the model, --system, --message and --messages, then the prompt ' +
    "(a text line as a user message, or a JSONL line's messages, whose other fields override the flags), and every " +
    'chat parameter flag (--temperature, --max-tokens, --tool, --schema, …; --param for any other field), checked ' +
    'before anything is sent. Ready batch lines are sent as they are.'
  static examples = [
    '<%= config.bin %> batches run prompts.txt -m llama-3.1-8b-instant --wait -O results.jsonl',
    '<%= config.bin %> batches run prompts.txt -m llama-3.1-8b-instant --wait -O results.jsonl --resume',
    'cat questions.txt | <%= config.bin %> batches run - --system "Answer in one word"',
    '<%= config.bin %> batches run reviews.txt --schema sentiment.schema.json --temperature 0 --wait -O labels.jsonl',
  ]

  static args = {
    prompts: Args.string({description: 'prompts file, or - for stdin', required: true}),
  }

  static flags = {
    model: Flags.string({
      char: 'm',
      description: 'model (default: config model.chat, then llama-3.3-70b-versatile)',
      helpGroup: MODEL,
    }),
    system: Flags.string({char: 's', description: 'system message for every prompt', helpGroup: MESSAGES}),
    message: Flags.string({
      description: 'a message before every prompt (repeatable): system=…, developer=…, user=…, assistant=…',
      helpGroup: MESSAGES,
      helpValue: 'ROLE=CONTENT',
      multiple: true,
      multipleNonGreedy: true,
    }),
    messages: Flags.string({
      description: 'JSON array of messages to put before every prompt',
      helpGroup: MESSAGES,
      helpValue: 'FILE',
    }),
    // Every chat request parameter (temperature, --tool, …), as `groq chat` has them: the table in chat/params.ts.
    ...paramFlags(),
    schema: Flags.string({
      description:
        'JSON Schema for structured output (implies --response-format json_schema); a {name, schema, strict} object is sent as is',
      helpGroup: TOOLS,
      helpValue: 'FILE|JSON',
    }),
    param: Flags.string({
      description: 'any other body field (repeatable); value parsed as JSON when it parses',
      helpGroup: MODEL,
      helpValue: 'KEY=VALUE',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'completion-window': Flags.string({default: '24h', description: 'from 24h to 7d'}),
    metadata: Flags.string({description: 'key=value to attach to each batch (repeatable)', multiple: true}),
    wait: Flags.boolean({description: 'wait for the batches and write the joined results'}),
    interval: Flags.string({default: '10s', description: 'with --wait: first pause between polls'}),
    out: outFlag('with --wait: write the joined results here (- for stdout)'),
    force: forceFlag(),
    resume: Flags.boolean({description: 'reuse the batches a previous run of this same input created'}),
  }

  async run() {
    const {flags} = this
    if (flags.wait) this.refuseJq('with --wait the results are written as JSONL as they are; pipe them to jq')
    const window = checkCompletionWindow(flags['completion-window'])
    const metadata = parseMetadata(flags.metadata)
    const intervalMs = parseDuration(flags.interval, '--interval')
    const source = this.args.prompts
    if (source !== '-') await fileSize(source)
    const defaultModel = this.settings.profileData['model.chat']
    if (flags.messages === '-') {
      throw new UsageError('--messages: "-" (stdin) is not available here; stdin can only be PROMPTS: give a file')
    }
    // The body every prompt is added to: model, parameters and messages, checked as `groq chat` checks them (it
    // reads only the flags it knows, which this command shares with chat).
    const template = buildRequest(flags as unknown as ChatFlags, {
      defaultModel: typeof defaultModel === 'string' ? defaultModel : undefined,
      requireMessage: false,
    }) as unknown as {messages: unknown[]} & Record<string, unknown>
    const name = source === '-' ? 'stdin' : source
    const built = await buildParts(
      openInput(source, this.io.stdin),
      name,
      {body: template},
      {
        maxBytes: numberSetting(this.settings, 'files.max_size', DEFAULT_MAX_FILE_SIZE),
        maxRequests: numberSetting(this.settings, 'batches.max_requests', DEFAULT_BATCH_MAX_REQUESTS),
      },
      {completionWindow: window, env: this.io.env},
    )

    const previous = flags.resume ? await loadState(built.dir) : undefined
    const state: RunState = previous ?? {chunks: built.chunks, key: built.key}
    const outPath = flags.out && flags.out !== '-' ? resolve(flags.out) : undefined
    const alreadyJoined = Boolean(
      flags.wait && outPath && state.joined?.path === outPath && (await sameSize(outPath, state.joined.bytes)),
    )
    // Decide where results go before anything is sent (an existing -O is kept unless --force).
    const sink =
      flags.wait && !alreadyJoined ? await resolveSink({force: flags.force, io: this.io, out: flags.out}) : undefined

    const client = await this.client()
    const batches: GroqBatch[] = []
    for (const [index, chunk] of state.chunks.entries()) {
      const range = rangeOf(state.chunks, index)
      if (chunk.batch_id) {
        this.warnLine(`Reusing batch ${chunk.batch_id} (requests ${range})`)
        batches.push({id: chunk.batch_id, status: 'unknown'})
        continue
      }
      if (!chunk.file_id) {
        const file = await uploadFile(client, join(built.dir, chunk.file), {
          filename: `groq-batch-${built.key.slice(0, 8)}-${chunk.file}`,
          purpose: 'batch',
          signal: this.signal,
          timeoutMs: this.settings.timeoutMs,
          ux: this.ux,
        })
        chunk.file_id = file.id
        await saveState(built.dir, state)
      }
      const batch = (await client.batches.create(
        {
          completion_window: window,
          endpoint: '/v1/chat/completions',
          input_file_id: chunk.file_id,
          ...(metadata ? {metadata} : {}),
        },
        {signal: this.signal},
      )) as unknown as GroqBatch
      chunk.batch_id = batch.id
      await saveState(built.dir, state)
      // At once, so a user whose terminal closes can come back with `batches wait` / `batches results`.
      this.warnLine(`Created batch ${batch.id} (requests ${range})`)
      batches.push(batch)
    }
    const ids = state.chunks.map((chunk) => chunk.batch_id!)

    if (!flags.wait) return list({data: batches, object: 'list'}, batches, BATCH_COLUMNS)

    const final = await waitForBatches(client, ids, {intervalMs, signal: this.signal, ux: this.ux})
    if (alreadyJoined) {
      this.warnLine(`${flags.out} is already complete (${state.joined!.bytes} bytes); not rewritten`)
    } else {
      const fetch = {idleTimeoutMs: this.settings.timeoutMs, io: this.io, signal: this.signal, ux: this.ux}
      const parts: string[] = []
      for (const batch of final) {
        for (const [fileId, kind] of [
          [batch.output_file_id, 'output'],
          [batch.error_file_id, 'errors'],
        ] as const) {
          if (!fileId) continue
          const path = join(built.dir, `${batch.id}.${kind}.jsonl`)
          await downloadFile(client, fileId, {force: true, kind: 'file', path}, fetch)
          parts.push(path)
        }
      }
      const results = await indexResults(parts)
      const order: string[] = []
      for (const chunk of state.chunks) order.push(...(await inputIds(join(built.dir, chunk.file))))
      const missing = await writeJoined(order, results, sink!, fetch)
      if (missing.length > 0)
        this.warnLine(`No result for ${missing.length} prompt(s): ${missing.slice(0, 10).join(', ')}`)
      if (outPath) {
        state.joined = {bytes: (await stat(outPath)).size, path: outPath}
        await saveState(built.dir, state)
      }
    }
    assertCompleted(final)
  }
}

/** `1-50000` for the first chunk, in request numbers. */
function rangeOf(chunks: Chunk[], index: number): string {
  const first = chunks.slice(0, index).reduce((sum, chunk) => sum + chunk.requests, 0) + 1
  return `${first}-${first + chunks[index].requests - 1}`
}

async function sameSize(path: string, bytes: number): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.size === bytes
}
