import {statSync} from 'node:fs'

/**
 * A file's size, inode, mtime and ctime, for loops that stat thousands of files (`conversations list` stats every
 * saved conversation: bench/PERF.md, issue 14).
 *
 * Node 20's `statSync` builds a `Stats` object with four `Date`s per call: at 10,000 files that is ~2x the cost of
 * the system calls, plus the garbage. Node's own fs binding answers the same `stat` as a shared Float64Array, which
 * `statSync` turns into that object; read from it, the numbers are exactly `statSync`'s (the same arithmetic) and
 * nothing is allocated. That binding is internal, so it is used only when everything about it is as checked here:
 * `process.binding('fs')` is there and does not warn (no `--pending-deprecation`, no permission model),
 * `statSync`'s own source calls it with the arguments used below (Node 20.17+, 22, 24 do), and its numbers for a
 * real file equal `statSync`'s. Otherwise this is `statSync`, as it always answers the same.
 */
export interface FileStats {
  ctimeMs: number
  ino: number
  mtimeMs: number
  size: number
}

type StatBinding = (path: string, bigint: false, request: undefined, throwIfNoEntry: false) => Float64Array | undefined

/** Where `stat`'s Float64Array holds each number (node's src/node_file.h, FsStatsOffset). */
const INO = 7
const SIZE = 8
const MTIME_SEC = 12
const MTIME_NSEC = 13
const CTIME_SEC = 14
const CTIME_NSEC = 15

/** node's fs/utils msFromTimeSpec: what Stats#mtimeMs is. */
const msFromTimeSpec = (sec: number, nsec: number) => sec * 1000 + nsec / 1_000_000

let binding: null | StatBinding | undefined

/** The binding's stat, if it may be used (checked once, against `probe`, a path that exists). */
function statBinding(probe: string): null | StatBinding {
  if (binding !== undefined) return binding
  binding = null
  if (process.platform === 'win32') return binding // statSync namespaces the path there first
  const options = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`
  if (/--pending-deprecation|--(experimental-)?permission/.test(options) || process.env.NODE_PENDING_DEPRECATION)
    return binding
  const source = statSync.toString().replaceAll(/\s+/g, '')
  if (!source.includes('binding.stat(') || !source.includes(',options.bigint,undefined,options.throwIfNoEntry,)'))
    return binding
  try {
    const bind = (process as unknown as {binding?: (name: string) => {stat?: unknown}}).binding
    const stat = typeof bind === 'function' ? bind('fs').stat : undefined
    if (typeof stat !== 'function') return binding
    const candidate = stat as StatBinding
    const values = candidate(probe, false, undefined, false)
    const stats = statSync(probe)
    if (
      values instanceof Float64Array &&
      values[INO] === stats.ino &&
      values[SIZE] === stats.size &&
      msFromTimeSpec(values[MTIME_SEC], values[MTIME_NSEC]) === stats.mtimeMs &&
      msFromTimeSpec(values[CTIME_SEC], values[CTIME_NSEC]) === stats.ctimeMs
    )
      binding = candidate
  } catch {
    // not as expected: statSync
  }
  return binding
}

/**
 * For each stat: the file's numbers, or undefined when it does not exist (other errors throw, as statSync's do).
 * The object handed back is reused by the next call: read it before stat-ing again.
 */
export function fileStatter(probe: string): (path: string) => FileStats | undefined {
  const stat = statBinding(probe)
  if (!stat) return (path) => statSync(path, {throwIfNoEntry: false})
  const reused: FileStats = {ctimeMs: 0, ino: 0, mtimeMs: 0, size: 0}
  return (path) => {
    const values = stat(path, false, undefined, false)
    if (values === undefined) return undefined
    reused.ctimeMs = msFromTimeSpec(values[CTIME_SEC], values[CTIME_NSEC])
    reused.ino = values[INO]
    reused.mtimeMs = msFromTimeSpec(values[MTIME_SEC], values[MTIME_NSEC])
    reused.size = values[SIZE]
    return reused
  }
}

/** For tests: forget what was decided, so the next fileStatter() checks again. */
export function resetFileStats(): void {
  binding = undefined
}
