// esbuild's `target` for the bundles: the oldest Node that package.json's `engines` admits (e.g. `node20.17.0` for
// "^20.17.0 || ^22.13.0 || >=24.0.0"), so a bundle never uses syntax a supported Node lacks.
export function nodeTarget(pjson) {
  const versions = (pjson.engines?.node ?? '').match(/\d+(?:\.\d+){0,2}/g) ?? []
  if (versions.length === 0) throw new Error(`package.json engines.node names no version: ${pjson.engines?.node}`)
  const parts = (version) => [...version.split('.').map(Number), 0, 0].slice(0, 3)
  const oldest = versions.map(parts).sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])[0]
  return `node${oldest.join('.')}`
}
