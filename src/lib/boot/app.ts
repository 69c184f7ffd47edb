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
      app ??= loadBundle<AppBundle>(join(dist, 'app.cjs'), {cacheDir, covers: () => [...used]})?.exports ?? null
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
