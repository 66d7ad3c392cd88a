// The rule for which keys a `data.fill` range holds, in one place: the oracle and every store of record
// ask it, so they agree on each key. A range is never materialised: a key of it exists from the start at
// version 1 with the fill value, and takes up memory (a Key in the oracle, a row in the store) only once
// a request names it (the oracle) or writes it (the store).

/** A range of keys `prefix0` … `prefix<count-1>` that exist at version 1 before the run starts. */
export interface FilledRange {
  prefix: string;
  count: number;
}

/** Digits in the largest canonical index (the fill limit, 10,000,000, has 8; 16 stays exact in a double). */
const INDEX_DIGITS_MAX = 16;

/**
 * Whether the name is `prefix<i>` for a canonical integer i below the fill count: decimal digits only,
 * no sign, no leading zero (`key:007`, `key:1e3` and `key:-1` are not in any range).
 */
export function inFilledRange(range: FilledRange | null, name: string): boolean {
  return filledIndex(range, name) >= 0;
}

/** The i of a name `prefix<i>` in the range (inFilledRange's rule), or -1 for a name outside it. */
export function filledIndex(range: FilledRange | null, name: string): number {
  if (range === null || !name.startsWith(range.prefix)) return -1;
  const start = range.prefix.length;
  const digits = name.length - start;
  if (digits === 0 || digits > INDEX_DIGITS_MAX) return -1;
  if (digits > 1 && name.charCodeAt(start) === 48 /* 0 */) return -1;
  // Read digit by digit rather than as Number(name.slice(start)): the same answer (an index too long to
  // be exact is far above any count), without a string made for every key a store of record looks up.
  let index = 0;
  for (let i = start; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    index = index * 10 + (c - 48);
  }
  return index < range.count ? index : -1;
}

/** A range as a store of record keeps it: the value every key of it holds until first written. */
export interface FilledData extends FilledRange {
  value: string;
}

/** A range that holds no key is no range: stores and the oracle then skip the test altogether. */
export function nonEmpty<R extends FilledRange>(range: R | null): R | null {
  return range !== null && range.count > 0 ? range : null;
}
