// `oclif manifest` writes commands in whatever order its parallel loading finished, so two builds of the
// same tree can differ. Sorting them makes the committed manifest reproducible, and CI's
// `git diff --exit-code oclif.manifest.json` a real staleness check.
//
// Characters outside ASCII (a few `…` and `’` in help texts) are written as JSON escapes: the same JSON, but an ASCII
// file, which Node reads into a one-byte string without UTF-8 decoding and V8 parses on its one-byte path. oclif
// reads and parses the whole manifest on every run it answers (~2 ms less on Node 22; bench/PERF.md).
import {readFileSync, writeFileSync} from 'node:fs'

const path = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(path, 'utf8'))
manifest.commands = Object.fromEntries(
  Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
)
const json = JSON.stringify(manifest, null, 2).replace(
  /[^ -~\t\n\r]/g,
  (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
)
writeFileSync(path, json + '\n')
