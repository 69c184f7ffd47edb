import js from '@eslint/js'
import tseslint from 'typescript-eslint'

import layers from './eslint/layers.js'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'oclif.manifest.json']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        Buffer: 'readonly',
        NodeJS: 'readonly',
        URL: 'readonly',
        clearTimeout: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        process: 'readonly',
        setImmediate: 'readonly',
        setTimeout: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        Response: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  // bin/ is CommonJS (bin/package.json): --version and help start without Node's ES module loader.
  {
    files: ['bin/**/*.js'],
    languageOptions: {
      globals: {__dirname: 'readonly', module: 'writable', require: 'readonly'},
      sourceType: 'commonjs',
    },
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  // The layout of ARCHITECTURE.md: imports in src/ run commands → domain → core/output/http/ux → boot.
  {files: ['src/**/*.ts'], plugins: {local: layers}, rules: {'local/layers': 'error'}},
  // Commands take Args, Flags and Command from src/lib/core/oclif.ts (a require() that keeps start-up cheap).
  {
    files: ['src/**/*.ts'],
    ignores: ['src/lib/core/oclif.ts', 'src/help.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@oclif/core', '@oclif/core/*'],
              message: 'take Args, Flags and Command from src/lib/core/oclif.ts (see the comment there)',
            },
          ],
        },
      ],
    },
  },
)
