// The conditional cache operations as Lua scripts, one source for both stores: ioredis-mock runs them in
// its embedded Lua, real Redis (standalone or Cluster) through EVALSHA. Each script reads and writes one
// key, so it is atomic, takes one round trip, and is Cluster-safe. The entry encoding they read is the
// engine's (see CacheStore in types.ts): `<version>|<expiresAtUs>|<n|s…|t>` or the lease `L|<token>|<expiresAtUs>`.
// "Now" is always an argument: expiry is virtual. Numbers stay below 2^53, exact in Lua's doubles.
//
// Every script takes KEYS[1] = the key and, as its last argument, a safety TTL in ms for what it stores
// (0: none): a real expiry against leaks from a killed run, never used for the simulation's own expiry.

/** Shared Lua helpers: storing with the safety TTL, and whether an expiry is still in the future. */
const PRELUDE = `
local function store(key, value, ttl)
  if tonumber(ttl) > 0 then
    redis.call('SET', key, value, 'PX', ttl)
  else
    redis.call('SET', key, value)
  end
end
local function live(expires, now)
  return expires == 0 or now < expires
end
`;

export interface CacheScript {
  /** The command name it is defined under on the client. */
  name: string;
  lua: string;
}

/**
 * ARGV: entry, version, nowUs, ttl. 1 if stored, 0 if refused: a live value of the same or a newer
 * version refuses; a live tombstone refuses only older versions (it stands for its own version's commit).
 */
export const SET_IF_NEWER: CacheScript = {
  name: "cachesimSetIfNewer",
  lua: `${PRELUDE}
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, 2) ~= 'L|' then
  local version, expires, kind = string.match(current, '^(%d+)|(%d+)|(.?)')
  if version and live(tonumber(expires), tonumber(ARGV[3])) then
    local have, want = tonumber(version), tonumber(ARGV[2])
    if have > want or (have == want and kind ~= 't') then
      return 0
    end
  end
end
store(KEYS[1], ARGV[1], ARGV[4])
return 1
`,
};

/** ARGV: token, nowUs, leaseExpiresAtUs, ttl. "granted", "held", or the live entry (value or tombstone). */
export const TAKE_LEASE: CacheScript = {
  name: "cachesimTakeLease",
  lua: `${PRELUDE}
local now = tonumber(ARGV[2])
local current = redis.call('GET', KEYS[1])
if current then
  if string.sub(current, 1, 2) == 'L|' then
    local expires = string.match(current, '|(%d+)$')
    if expires and live(tonumber(expires), now) then return 'held' end
  else
    local expires = string.match(current, '^%d+|(%d+)|')
    if expires and live(tonumber(expires), now) then return current end
  end
end
store(KEYS[1], 'L|' .. ARGV[1] .. '|' .. ARGV[3], ARGV[4])
return 'granted'
`,
};

/** ARGV: token, nowUs, entry, ttl. 1 if stored (the caller held the live lease), 0 if not. */
export const FILL_LEASE: CacheScript = {
  name: "cachesimFillLease",
  lua: `${PRELUDE}
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, 2) == 'L|' then
  local token, expires = string.match(current, '^L|(.*)|(%d+)$')
  if token == ARGV[1] and live(tonumber(expires), tonumber(ARGV[2])) then
    store(KEYS[1], ARGV[3], ARGV[4])
    return 1
  end
end
return 0
`,
};

export const CACHE_SCRIPTS: readonly CacheScript[] = [SET_IF_NEWER, TAKE_LEASE, FILL_LEASE];

/** The client methods the scripts become once defined (`defineCommand`), with one key each. */
export interface ScriptCommands {
  cachesimSetIfNewer(
    key: string,
    entry: string,
    version: number,
    nowUs: number,
    ttlMs: number,
  ): Promise<number>;
  cachesimTakeLease(
    key: string,
    token: number,
    nowUs: number,
    leaseExpiresAtUs: number,
    ttlMs: number,
  ): Promise<string>;
  cachesimFillLease(key: string, token: number, nowUs: number, entry: string, ttlMs: number): Promise<number>;
}

/**
 * Invalidation messages carry a sequence number the store adds (`<seq>|<message>`), so that the publisher
 * can tell which of several messages in flight its subscriber has just received.
 */
export function framePublished(seq: number, message: string): string {
  return `${seq}|${message}`;
}

/** The sequence number of a framed message, or -1 when it is not one of ours. */
export function sequenceOf(framed: string): number {
  const bar = framed.indexOf("|");
  if (bar <= 0) return -1;
  const seq = Number(framed.slice(0, bar));
  return Number.isSafeInteger(seq) ? seq : -1;
}
