import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Commands read process-wide state (exit code, SIGINT handler): one file at a time per worker.
    pool: 'forks',
  },
})
