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
 * loaded on the first import it can answer; `cacheDir` as for loadBundle.
 */
export function appImporter(dist: string, {cacheDir}: {cacheDir?: string} = {}): Importer {
  const prefix = pathToFileURL(join(dist, '/')).href
  let app: AppBundle | null | undefined
  return (specifier) => {
    if (specifier.startsWith(prefix)) {
      app ??= loadBundle<AppBundle>(join(dist, 'app.cjs'), {cacheDir})?.exports ?? null
      const load = app?.modules[specifier.slice(prefix.length)]
      if (load) {
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
