import {availableParallelism} from 'node:os'
import {configDefaults, defineConfig} from 'vitest/config'

import {isCI} from './test/helpers/spec.js'

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Commands read process-wide state (exit code, SIGINT handler): one file at a time per worker.
    pool: 'forks',
    // Vitest leaves a core for itself (one test file at a time on 2 cores), but an end-to-end test mostly waits for
    // the CLI it spawned, which runs on the other core. CI has the machine to itself: a worker per core. Elsewhere
    // the default, as the machine may be shared.
    maxWorkers: isCI() ? availableParallelism() : undefined,
    projects: [
      // In-process tests (and a few runs of the sources through tsx): no build needed. `npm run test:unit`.
      // Its global setup only reports contract tests skipped for want of Groq's spec (test/helpers/spec.ts).
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: [...configDefaults.exclude],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      // The built bin/run.js as a user runs it, on $GROQ_TEST_NODE or this node (test/helpers/cli.ts): against one
      // Prism for the whole run (test/e2e) and in real terminals (test/pty). The global setup runs only when a file
      // of this project is selected, so `vitest run --project unit` never waits for Prism. Each test spawns node
      // (0.5-1 s idle, several seconds when the machine is busy), hence the longer timeout.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/pty/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
})
