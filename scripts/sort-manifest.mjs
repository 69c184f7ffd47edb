// `oclif manifest` writes commands in whatever order its parallel loading finished, so two builds of the
// same tree can differ. Sorting them makes the committed manifest reproducible, and CI's
// `git diff --exit-code oclif.manifest.json` a real staleness check.
import {readFileSync, writeFileSync} from 'node:fs'

const path = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(path, 'utf8'))
manifest.commands = Object.fromEntries(
  Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
)
writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n')
