// The conditional cache operations' rules in TypeScript, for the in-process store: given what a key holds
// now, what the operation does. They mirror the Lua scripts in cacheScripts.ts line for line (the live
// stores run those); test/live-cache-ops.test.ts checks on random operation sequences that both agree.
// Why not run the Lua in ioredis-mock too: it starts a fresh Lua VM for every call, about 7 ms each,
// which would make a generated workload of 100,000 requests take minutes.

const LEASE = 76; /* L */
const BAR = 124; /* | */

/** The expiry of a stored value entry or tombstone, or -1 when `current` is not one (absent, a lease, junk). */
function entryExpiry(current: string): number {
  const first = current.indexOf("|");
  if (first <= 0) return -1;
  const second = current.indexOf("|", first + 1);
  if (second < 0) return -1;
  const version = current.slice(0, first);
  const expires = current.slice(first + 1, second);
  if (!isDigits(version) || !isDigits(expires)) return -1;
  return Number(expires);
}

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isLease(current: string): boolean {
  return current.charCodeAt(0) === LEASE && current.charCodeAt(1) === BAR;
}

function live(expiresAtUs: number, nowUs: number): boolean {
  return expiresAtUs === 0 || nowUs < expiresAtUs;
}

/** A lease's expiry: the digits after its last '|' (a token may itself hold '|'); -1 if malformed. */
function leaseExpiry(current: string): number {
  const expires = current.slice(current.lastIndexOf("|") + 1);
  return isDigits(expires) ? Number(expires) : -1;
}

/** A lease's token: between `L|` and the last '|'; null if there is no second '|'. */
function leaseToken(current: string): string | null {
  const last = current.lastIndexOf("|");
  return last < 2 ? null : current.slice(2, last);
}

/** setIfNewer: store unless the key holds a live value of the same or a newer version, or a live tombstone of a newer one. */
export function setIfNewerStores(
  current: string | null | undefined,
  version: number,
  nowUs: number,
): boolean {
  if (current == null || isLease(current)) return true;
  const expiresAtUs = entryExpiry(current);
  if (expiresAtUs < 0 || !live(expiresAtUs, nowUs)) return true;
  const have = Number(current.slice(0, current.indexOf("|")));
  // A tombstone stands for its own version's commit: a fill of that version may replace it.
  const tombstone = current.charCodeAt(current.indexOf("|", current.indexOf("|") + 1) + 1) === 116; /* t */
  return tombstone ? have <= version : have < version;
}

/** takeLease: "granted" (store the lease), "held", or the live entry itself (value or tombstone). */
export function leaseAnswer(current: string | null | undefined, nowUs: number): "granted" | "held" | string {
  if (current == null) return "granted";
  if (isLease(current)) {
    const expiresAtUs = leaseExpiry(current);
    return expiresAtUs >= 0 && live(expiresAtUs, nowUs) ? "held" : "granted";
  }
  const expiresAtUs = entryExpiry(current);
  if (expiresAtUs < 0 || !live(expiresAtUs, nowUs)) return "granted";
  return current;
}

/** fillLease: store only over a live lease with this token. */
export function fillLeaseStores(current: string | null | undefined, token: number, nowUs: number): boolean {
  if (current == null || !isLease(current) || leaseToken(current) !== String(token)) return false;
  const expiresAtUs = leaseExpiry(current);
  return expiresAtUs >= 0 && live(expiresAtUs, nowUs);
}

export function leaseEntry(token: number, leaseExpiresAtUs: number): string {
  return `L|${token}|${leaseExpiresAtUs}`;
}
