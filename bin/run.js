#!/usr/bin/env node
import {Config, execute} from '@oclif/core'

const config = await Config.load(import.meta.url)
// @oclif/plugin-not-found asks "Did you mean …?" when stdin is a TTY. When nobody can answer (no TTY, CI, --no-input)
// it prints two lines and exits 127; without it an unknown command is a usage error like any other: one line, exit 2.
const ci = process.env.CI !== undefined && !/^(|0|false)$/i.test(process.env.CI)
if (!process.stdin.isTTY || ci || process.argv.includes('--no-input')) config.plugins.delete('@oclif/plugin-not-found')
await execute({loadOptions: config})
