// The `reproduce:` lines and the report page's command are pasted into a shell, so every word in them
// must come back as the same argument.

/** One shell word, quoted only when it has to be (a space, `$`, a quote). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_/.,:=+@%-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}
