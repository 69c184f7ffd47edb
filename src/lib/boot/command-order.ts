/**
 * The order oclif sorts each plugin's commands in (`a.id.localeCompare(b.id)`), without ICU's collator when the
 * answer is known: the first localeCompare in a process builds the collator for the default locale, ~8 ms, on every
 * command and `--help` (bench/PERF.md). scripts/bundle-oclif.mjs puts this function in place of that comparison in
 * the bundled oclif (config/plugin.js).
 *
 * When both ids are made only of a-z, '-' and ':' (every id of this CLI and its plugins) and the locale is English,
 * C or POSIX (or unset), the collation order is the order of the characters' codes: in the CLDR root collation, which
 * English uses, punctuation sorts before letters, '-' before ':', and a-z in alphabetical order; en-US-POSIX sorts by
 * code. Any other id or locale (Lithuanian sorts y after i, Danish aa after z) goes to localeCompare, as before.
 */
const SIMPLE_ID = /^[a-z:-]*$/
const PLAIN_LOCALE = /^(c|posix|en)([_.@-]|$)/i
// Every variable ICU (and so V8's default locale) may take the locale from, and LC_COLLATE to be safe.
const LOCALE_VARIABLES = ['LC_ALL', 'LC_COLLATE', 'LC_MESSAGES', 'LC_CTYPE', 'LANG'] as const

let plainLocale: boolean | undefined

/** Whether the default locale collates a-z, '-' and ':' by code (read once; decided from the environment). */
export function hasPlainCollation(env: NodeJS.ProcessEnv = process.env): boolean {
  return LOCALE_VARIABLES.every((name) => !env[name] || PLAIN_LOCALE.test(env[name]))
}

/** `a.localeCompare(b)`, the same result, without building the collator when it is not needed. */
export function compareCommandIds(a: string, b: string): number {
  plainLocale ??= hasPlainCollation()
  if (plainLocale && SIMPLE_ID.test(a) && SIMPLE_ID.test(b)) return a < b ? -1 : a > b ? 1 : 0
  return a.localeCompare(b)
}
