import {statSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {loadBundle} from './bundle.js'

export type Importer = (specifier: string) => Promise<unknown>

interface AppBundle {
  /** Each module the build bundled, by its path under dist/ (`commands/models/list.js`): its namespace. */
  modules: Record<string, () => unknown>
}

/**
 * The import function bin/run.js hands the bundled oclif (bundle.ts `importer`): oclif imports a command, a hook or
 * the help class by its file in dist/; when the build bundled that module into dist/app.cjs (scripts/bundle-app.mjs),
 * it comes from there, one script with one code cache for all of our code, and Node's ES module loader is never
 * started. Anything else (a file the bundle does not have, a build without it) is imported as usual. The bundle is
 * loaded on the first import it can answer; `cacheDir` as for loadBundle, whose cache here covers the modules loaded
 * (a run of another command writes a fuller one).
 */
export function appImporter(dist: string, {cacheDir}: {cacheDir?: string} = {}): Importer {
  const prefix = pathToFileURL(join(dist, '/')).href
  const used = new Set<string>()
  let app: AppBundle | null | undefined
  return (specifier) => {
    if (specifier.startsWith(prefix)) {
      app ??= isFresh(dist)
        ? (loadBundle<AppBundle>(join(dist, 'app.cjs'), {cacheDir, covers: () => covering(used)})?.exports ?? null)
        : null
      const path = specifier.slice(prefix.length)
      const load = app?.modules[path]
      if (load) {
        used.add(path)
        try {
          return Promise.resolve(load())
        } catch (error) {
          return Promise.reject(error) // as import() reports a module that throws while it is evaluated
        }
      }
    }
    return import(specifier)
  }
}

/**
 * The modules this run used, asked as it exits. A run that failed (an unknown flag, no API key: a user's first run,
 * often) compiled only part of them, so they are marked `?` (bundle.ts `fullerCovers`): the first run of the same
 * command that succeeds then writes a cache that holds the rest, instead of compiling it anew on every run.
 */
function covering(used: Set<string>): string[] {
  const failed = Number(process.exitCode ?? 0) !== 0
  return [...used].map((path) => (failed ? `${path}?` : path))
}

/**
 * Whether dist/app.cjs was made from the dist/ beside it: tsc rewrites every file it emits, this one included, and the
 * build bundles right after, so a bundle older than this file is from before a `tsc` alone (a developer's quick
 * rebuild): its code would be stale. (An installed package's files all have one date.)
 */
function isFresh(dist: string): boolean {
  try {
    return statSync(join(dist, 'app.cjs')).mtimeMs >= statSync(join(dist, 'lib', 'boot', 'app.js')).mtimeMs
  } catch {
    return false
  }
}
