import {configDefaults, defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Commands read process-wide state (exit code, SIGINT handler): one file at a time per worker.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**']},
      },
      // Spawns the built bin/run.js (`npm test` builds first) against one Prism for the whole run. The global
      // setup runs only when an e2e file is selected, so `vitest run test/unit` never waits for Prism.
      // Each test spawns node (0.5-1 s idle, several seconds when the machine is busy), hence the longer timeout.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
})
