/** "Did you mean …?": the nearest names to what the user typed. */

/** Edits (insert, delete, substitute, swap two neighbours) to turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const columns = b.length + 1
  const distance: number[][] = Array.from({length: rows}, (_, row) =>
    Array.from({length: columns}, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  )
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1
      distance[row][column] = Math.min(
        distance[row - 1][column] + 1,
        distance[row][column - 1] + 1,
        distance[row - 1][column - 1] + cost,
      )
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1])
        distance[row][column] = Math.min(distance[row][column], distance[row - 2][column - 2] + 1)
    }
  }
  return distance[a.length][b.length]
}

/**
 * The candidates nearest to `input` (at most `limit`, nearest first, ties in the given order), counting only those
 * close enough to be a typo: within 2 edits, or a third of the input's length for long names.
 */
export function closest(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const threshold = Math.max(2, Math.floor(input.length / 3))
  const scored = [...new Set(candidates)]
    .map((candidate, index) => ({candidate, distance: editDistance(input, candidate), index}))
    .filter(({distance}) => distance <= threshold)
  scored.sort((left, right) => left.distance - right.distance || left.index - right.index)
  const best = scored[0]?.distance
  // Only the nearest ones: "models list" for "model list", not every two-edit neighbour beside it.
  return scored
    .filter(({distance}) => distance === best)
    .slice(0, limit)
    .map(({candidate}) => candidate)
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function quotedAlternatives(names: string[]): string {
  const quoted = names.map((name) => `"${name}"`)
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}
