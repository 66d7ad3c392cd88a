// The rules of the conditional cache commands (setIfNewer, takeLease, fillLease) over the engine's entry
// strings, as plain functions: what the in-process store runs, and what the live store's Lua scripts do
// on the server. Entries: `<version>|<expiresAtUs>|…` (values and tombstones), `L|<token>|<expiresAtUs>`
// (leases); expiresAtUs 0 = never.

function parts(raw: string): { lease: boolean; a: string; expiresAtUs: number } {
  const [a = "", b = "0"] = raw.split("|", 3);
  if (a === "L") {
    const [, token = "", exp = "0"] = raw.split("|", 3);
    return { lease: true, a: token, expiresAtUs: Number(exp) };
  }
  return { lease: false, a, expiresAtUs: Number(b) };
}

function expired(expiresAtUs: number, nowUs: number): boolean {
  return expiresAtUs !== 0 && nowUs >= expiresAtUs;
}

/** The entry to store (or null to refuse) for setIfNewer. */
export function setIfNewerRule(current: string | null, version: number, nowUs: number): boolean {
  if (current === null) return true;
  const p = parts(current);
  return p.lease || expired(p.expiresAtUs, nowUs) || Number(p.a) < version;
}

/** "granted" (store the lease), "held", or the live entry. */
export function takeLeaseRule(current: string | null, nowUs: number): "granted" | "held" | string {
  if (current === null) return "granted";
  const p = parts(current);
  if (expired(p.expiresAtUs, nowUs)) return "granted";
  return p.lease ? "held" : current;
}

export function fillLeaseRule(current: string | null, token: number, nowUs: number): boolean {
  if (current === null) return false;
  const p = parts(current);
  return p.lease && p.a === String(token) && !expired(p.expiresAtUs, nowUs);
}

export function leaseEntry(token: number, expiresAtUs: number): string {
  return `L|${token}|${expiresAtUs}`;
}
