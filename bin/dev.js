#!/usr/bin/env -S node --import tsx --no-warnings=ExperimentalWarning
// The sources through tsx, for development. CommonJS like the rest of bin/ (bin/package.json), so no top-level await.
'use strict'
const {join} = require('node:path')

const root = join(__dirname, '..')
import('@oclif/core').then(({execute}) => execute({development: true, dir: root}))
