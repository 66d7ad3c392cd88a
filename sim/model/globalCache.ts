// The global cache tier: a consistent-hash ring of virtual cache nodes (shards) over one CacheStore,
// each shard a Redis key prefix with its own TTL. Expiry follows the virtual clock, so the expiry time
// travels inside the stored value rather than as a Redis TTL (which would follow the wall clock).
//
// Every request is a round trip over the node's cache link: one hop there, the command at the instant
// it arrives, one hop back. The legs are shared functions that take the operation as their argument
// (`op.command` says what to issue, `op.onAnswer` reads the answer), so a request allocates nothing but
// its operation. Commands issued are counted per node.
//
// Stored entries, as strings (the live store's Lua scripts read the same format):
//   value      `<version>|<expiresAtUs>|n` (the key was absent) or `<version>|<expiresAtUs>|s<value>`
//   tombstone  `<version>|<expiresAtUs>|t` (an invalidation that remembers the version it was for)
//   lease      `L|<token>|<expiresAtUs>` (a reader's right to fill after a miss)
// expiresAtUs 0 means never.

import type { Scheduler } from "../core/scheduler.ts";
import type { BoundedShards } from "./eviction/boundedShards.ts";
import { HashRing } from "./hashRing.ts";
import type { Link } from "./link.ts";
import { valueBytes } from "./localCache.ts";
import { type MessageTap, nodeLane, shardLane } from "./messageTap.ts";
import type { Operation } from "./operation.ts";
import { type Key, sharedValueAt } from "./oracle.ts";
import type { CacheStore, MaybePromise } from "./ports.ts";
import { abandon, answerInTime, type RequestFaults, timeOut } from "./requestFaults.ts";
import type { Shard } from "./shard.ts";
import { TALLY, type Tally, type TallyId } from "./tally.ts";

export class GlobalCache {
  private ring: HashRing<number>;
  private readonly shards: Shard[];
  /** Set when the run has faults; null keeps requests on the exact fault-free path. */
  private faults: RequestFaults | null = null;
  /** Per shard: whether it is up, and how often it came back empty (its prefix then changes). */
  private readonly shardUp: boolean[];
  private readonly shardRestarts: number[];
  /** Keys routed since the ring last changed (kept only with faults, to re-route them). */
  private routed: Key[] = [];
  /** Set when some shard is bounded (entries or bytes); null keeps every command on the plain path. */
  private bounds: BoundedShards | null = null;
  /** Told of every request and answer when the run is drawn as a sequence diagram; null otherwise. */
  private tap: MessageTap | null = null;

  constructor(
    private readonly store: CacheStore,
    private readonly scheduler: Scheduler,
    private readonly tally: Tally,
    shards: ReadonlyArray<{ name: string; ttlUs: number }>,
    ringPoints: number,
  ) {
    this.shards = shards.map((s) => ({ name: s.name, ttlUs: s.ttlUs, prefix: `${s.name}:` }));
    this.ring = new HashRing(
      shards.map((s, index) => ({ name: s.name, shard: index })),
      ringPoints,
    );
    this.ringPoints = ringPoints;
    this.shardUp = shards.map(() => true);
    this.shardRestarts = shards.map(() => 0);
  }

  private readonly ringPoints: number;

  /** Turns on timeouts and crash checks for every request from now on (the fault schedule does). */
  enableFaults(faults: RequestFaults): void {
    this.faults = faults;
  }

  /** From now on every request and answer is told to `tap` (it only observes). */
  tapMessages(tap: MessageTap): void {
    this.tap = tap;
  }

  /** Bounds the shards: from now on every command that reaches the cache is accounted for. */
  boundShards(bounds: BoundedShards): void {
    this.bounds = bounds;
  }

  /** The shards, in scenario order. */
  get shardNames(): string[] {
    return this.shards.map((s) => s.name);
  }

  /** Whether the shard is up. */
  isShardUp(index: number): boolean {
    return this.shardUp[index] as boolean;
  }

  /**
   * Takes a shard down: requests that reach it time out, and the ring routes around it from now on (its
   * keys move to the next shard, cold). At least one shard stays on the ring: with every shard down,
   * keys keep their shard and every request times out.
   */
  shardDown(index: number): void {
    this.shardUp[index] = false;
    this.reroute();
  }

  /**
   * Brings a shard back; it takes its keys again. With `keepContents` it serves what it held when it
   * went down (values overwritten meanwhile come back: the classic hazard); else it comes back empty.
   */
  shardBack(index: number, keepContents: boolean): void {
    this.shardUp[index] = true;
    if (!keepContents) {
      // A fresh prefix: what the shard held is out of reach, as after a restart without persistence.
      const shard = this.shards[index] as Shard;
      const restarts = ++(this.shardRestarts[index] as number);
      shard.prefix = `${shard.name}~${restarts}:`;
      this.bounds?.clear(index);
    }
    this.reroute();
  }

  private reroute(): void {
    const up = this.shards
      .map((s, index) => ({ name: s.name, shard: index }))
      .filter((s) => this.shardUp[s.shard]);
    const members = up.length > 0 ? up : this.shards.map((s, index) => ({ name: s.name, shard: index }));
    this.ring = new HashRing(members, this.ringPoints);
    for (const key of this.routed) key.shardIndex = -1;
    this.routed = [];
  }

  /** The key's shard; the ring is asked once per key and the answer kept on the key. */
  shardFor(key: Key): Shard {
    if (key.shardIndex < 0) {
      key.shardIndex = this.ring.lookup(key.name);
      // Built once per key and kept: the store's first lookup internalizes it, and V8 then turns this
      // very string into a pointer to the internalized copy, so later lookups find it by identity.
      key.storeKey = (this.shards[key.shardIndex] as Shard).prefix + key.name;
      if (this.faults !== null) this.routed.push(key);
    }
    return this.shards[key.shardIndex] as Shard;
  }

  /** When an entry stored now in the key's shard expires (0 = never). */
  expiryFor(op: Operation, nowUs: number): number {
    const ttlUs = this.shardFor(op.key).ttlUs;
    if (ttlUs === 0) return 0;
    return this.ttlJitterUs === null ? nowUs + ttlUs : nowUs + ttlUs + this.ttlJitterUs(ttlUs);
  }

  /** Extra TTL drawn for each entry stored from now on (the ttl-jitter mitigation). */
  setTtlJitter(jitterUs: (ttlUs: number) => number): void {
    this.ttlJitterUs = jitterUs;
  }

  private ttlJitterUs: ((ttlUs: number) => number) | null = null;

  /**
   * GET: decodes the key's entry as of the moment the request reached the cache into op.found (`hit`,
   * `miss`, `expired`), and on hit or expired op.value / op.version / op.entryExpiresAtUs.
   */
  get(op: Operation, next: (op: Operation) => void): void {
    this.roundTrip(op, TALLY.cacheGets, this.issueGet, this.answerGet, next);
  }

  /** SET of op.value at op.version, with the shard's TTL from the moment it arrives. */
  set(op: Operation, next: (op: Operation) => void): void {
    this.roundTrip(op, TALLY.cacheSets, this.issueSet, this.answerPlain, next);
  }

  /** DEL of the key's entry (and of any lease on it). */
  del(op: Operation, next: (op: Operation) => void): void {
    this.roundTrip(op, TALLY.cacheDels, this.issueDel, this.answerPlain, next);
  }

  /**
   * SET of op.value at op.version only over an absent, expired or older entry (compare-and-set in the
   * store); op.stored says whether it was applied. With `tombstone`, stores a tombstone instead.
   */
  setIfNewer(op: Operation, tombstoneTtlUs: number | null, next: (op: Operation) => void): void {
    op.argUs = tombstoneTtlUs ?? -1;
    this.roundTrip(op, TALLY.cacheSets, this.issueSetIfNewer, this.answerStored, next);
  }

  /**
   * A lookup that takes the fill lease on a miss (memcache style): op.found is `hit` (with the entry),
   * `miss` with op.leaseToken set (granted), or `held` (another reader's lease is live).
   */
  takeLease(op: Operation, token: number, leaseTtlUs: number, next: (op: Operation) => void): void {
    op.leaseToken = token;
    op.argUs = leaseTtlUs;
    this.roundTrip(op, TALLY.cacheGets, this.issueTakeLease, this.answerTakeLease, next);
  }

  /** SET of op.value only if the key still holds this read's lease; op.stored says whether it did. */
  fillLease(op: Operation, next: (op: Operation) => void): void {
    this.roundTrip(op, TALLY.cacheSets, this.issueFillLease, this.answerStored, next);
  }

  /**
   * PUBLISH of an invalidation for the key, issued now at the cache (the caller has already brought
   * it there). The answer resolves when the message has gone through the store's pub/sub.
   */
  publishAtCache(op: Operation): MaybePromise<void> {
    this.tally.bump(op.node.index, TALLY.cachePublishes);
    return this.store.publish(op.key.storeKey);
  }

  /** Where the entry lives: the shard name, or the server that holds it where there are several. */
  servedBy(op: Operation): string {
    // With faults, the shard the request went to: the ring may have dropped the key's shard meanwhile.
    const index = op.sentShard >= 0 ? op.sentShard : op.key.shardIndex;
    return this.store.locate(op.key.storeKey) ?? (this.shards[index] as Shard).name;
  }

  // -- legs --------------------------------------------------------------------------------------

  private roundTrip(
    op: Operation,
    tallyId: TallyId,
    command: (op: Operation) => MaybePromise<unknown>,
    onAnswer: (answer: unknown, op: Operation) => void,
    next: (op: Operation) => void,
  ): void {
    this.shardFor(op.key);
    this.tally.bump(op.node.index, tallyId);
    op.command = command;
    op.onAnswer = onAnswer;
    op.next = next;
    const link = op.node.cacheLinks[op.key.shardIndex] as Link;
    if (this.tap !== null) op.tapSentUs = this.scheduler.nowUs;
    if (this.faults === null) {
      this.scheduler.after(link.hopUs(), this.atCache, op);
      return;
    }
    // With faults: an operation of a node that crashed since it began goes no further, and the request
    // may be lost on the way (then the node waits out its timeout).
    if (op.epoch !== op.node.epoch) {
      this.faults.dropped(op);
      return;
    }
    op.failed = false;
    op.sentUs = this.scheduler.nowUs;
    op.sentShard = op.key.shardIndex;
    if (link.delivers()) {
      this.scheduler.after(link.hopUs(), this.atCacheFaulty, op);
      this.faults.awaiting(op, -1);
    } else {
      this.tapRequest(op, null, `lost on the link ${link.name}`);
      this.faults.awaiting(op, this.scheduler.after(this.faults.timeoutUs, this.timedOut, op));
    }
  }

  // -- what a message tap is told ------------------------------------------------------------------

  private commandName(op: Operation): string {
    const c = op.command;
    if (c === this.issueGet) return "GET";
    if (c === this.issueSet) return "SET";
    if (c === this.issueDel) return "DEL";
    if (c === this.issueSetIfNewer) return op.argUs >= 0 ? "SET tombstone" : "SET if newer";
    if (c === this.issueTakeLease) return "GET + lease";
    return "SET with lease";
  }

  /** The request reached its shard at arrivedUs (null: it never did); the answer leaves from now. */
  private tapRequest(op: Operation, arrivedUs: number | null, note: string): void {
    const tap = this.tap;
    if (tap === null) return;
    const name = this.commandName(op);
    const stores = name.startsWith("SET") && name !== "SET tombstone";
    const what = `${name} ${op.key.name}${stores ? ` = ${op.value ?? "(absent)"} v${op.version}` : ""}`;
    const shard = (this.shards[op.sentShard >= 0 ? op.sentShard : op.key.shardIndex] as Shard).name;
    tap.message(op.opId, nodeLane(op.node.name), shardLane(shard), what, op.tapSentUs, arrivedUs, note);
    op.tapSentUs = this.scheduler.nowUs;
  }

  /** The answer to op's request is back at its node now. */
  private tapAnswer(op: Operation, what: string, note: string): void {
    const tap = this.tap;
    if (tap === null) return;
    const shard = (this.shards[op.sentShard >= 0 ? op.sentShard : op.key.shardIndex] as Shard).name;
    tap.message(
      op.opId,
      shardLane(shard),
      nodeLane(op.node.name),
      what,
      op.tapSentUs,
      this.scheduler.nowUs,
      note,
    );
  }

  /** What a lookup found, in words. */
  private static found(op: Operation): string {
    if (op.found === "miss") return "miss";
    return `${op.found} ${op.value ?? "(absent)"} v${op.version}`;
  }

  private readonly atCache = (op: Operation) => {
    op.arrivedUs = this.scheduler.nowUs;
    if (this.tap !== null) this.tapRequest(op, op.arrivedUs, "");
    this.scheduler.afterResultNoHandle(
      op.command(op),
      (op.node.cacheLinks[op.key.shardIndex] as Link).hopUs(),
      op.onAnswer,
      op,
    );
  };

  /**
   * At the cache, with faults. A down shard answers nothing; otherwise the command runs (even for a node
   * that has crashed or given up meanwhile: the request was sent), and its answer comes back only if the
   * link delivers it before the sender's deadline. A request that times out never completes later.
   */
  private readonly atCacheFaulty = (op: Operation) => {
    const faults = this.faults as RequestFaults;
    const nowUs = this.scheduler.nowUs;
    const deadlineUs = op.sentUs + faults.timeoutUs;
    const link = op.node.cacheLinks[op.sentShard] as Link;
    // The sender crashed while its request was on the way (it was dropped then): the command still runs,
    // but nobody is there for an answer or a timeout.
    const senderGone = op.epoch !== op.node.epoch;
    if (this.shardUp[op.sentShard] && link.up) {
      op.arrivedUs = nowUs;
      this.tapRequest(op, nowUs, "");
      const answer = op.command(op);
      if (!senderGone && link.delivers()) {
        const backUs = link.hopUs();
        if (nowUs + backUs < deadlineUs) {
          faults.awaiting(op, this.scheduler.afterResult(answer, backUs, this.answeredFaulty, op));
          return;
        }
        this.tapLostAnswer(op, "the answer would arrive after the sender's timeout");
      } else if (!senderGone) this.tapLostAnswer(op, `the answer was lost on the link ${link.name}`);
      abandon(answer);
    } else {
      this.tapRequest(
        op,
        null,
        this.shardUp[op.sentShard] ? `the link ${link.name} is down` : "the shard is down",
      );
    }
    if (!senderGone) faults.awaiting(op, this.scheduler.at(Math.max(deadlineUs, nowUs), this.timedOut, op));
  };

  private tapLostAnswer(op: Operation, note: string): void {
    const shard = (this.shards[op.sentShard] as Shard).name;
    this.tap?.message(op.opId, shardLane(shard), nodeLane(op.node.name), "answer", op.tapSentUs, null, note);
  }

  private readonly answeredFaulty = (answer: unknown, op: Operation) =>
    answerInTime(this.faults as RequestFaults, answer, op);

  /** The sender gave up: the leg goes on as a failed miss (no entry, nothing stored, no lease). */
  private readonly timedOut = (op: Operation) => {
    op.found = "miss";
    op.stored = false;
    op.leaseToken = 0;
    timeOut(this.faults as RequestFaults, op, "cache", (this.shards[op.sentShard] as Shard).name);
  };

  private readonly issueGet = (op: Operation) => {
    if (this.bounds !== null) this.bounds.touch(op);
    return this.store.get(op.key.storeKey);
  };

  private readonly issueSet = (op: Operation) => {
    const expiresAtUs = this.expiryFor(op, op.arrivedUs);
    const entry = encodeEntry(op.value, op.version, expiresAtUs);
    if (this.bounds !== null) return this.bounds.set(op, entry, expiresAtUs);
    return this.store.set(op.key.storeKey, entry);
  };

  private readonly issueDel = (op: Operation) => {
    if (this.bounds !== null) this.bounds.deleted(op);
    return this.store.del(op.key.storeKey);
  };

  private readonly issueSetIfNewer = (op: Operation) => {
    const tombstoneTtlUs = op.argUs;
    const expiresAtUs =
      tombstoneTtlUs >= 0
        ? tombstoneTtlUs > 0
          ? op.arrivedUs + tombstoneTtlUs
          : 0
        : this.expiryFor(op, op.arrivedUs);
    const entry =
      tombstoneTtlUs >= 0
        ? encodeTombstone(op.version, expiresAtUs)
        : encodeEntry(op.value, op.version, expiresAtUs);
    if (this.bounds === null) return this.store.setIfNewer(op.key.storeKey, entry, op.version, op.arrivedUs);
    const bytes = tombstoneTtlUs >= 0 ? 0 : valueBytes(op.value);
    return this.bounds.conditional(op, bytes, expiresAtUs, () =>
      this.store.setIfNewer(op.key.storeKey, entry, op.version, op.arrivedUs),
    );
  };

  private readonly issueTakeLease = (op: Operation) => {
    if (this.bounds !== null) this.bounds.leaseAsked(op);
    const leaseTtlUs = op.argUs;
    return this.store.takeLease(op.key.storeKey, op.leaseToken, op.arrivedUs, op.arrivedUs + leaseTtlUs);
  };

  private readonly issueFillLease = (op: Operation) => {
    const expiresAtUs = this.expiryFor(op, op.arrivedUs);
    const entry = encodeEntry(op.value, op.version, expiresAtUs);
    if (this.bounds === null)
      return this.store.fillLease(op.key.storeKey, op.leaseToken, op.arrivedUs, entry);
    return this.bounds.conditional(op, valueBytes(op.value), expiresAtUs, () =>
      this.store.fillLease(op.key.storeKey, op.leaseToken, op.arrivedUs, entry),
    );
  };

  private readonly answerGet = (raw: unknown, op: Operation) => {
    decodeInto(raw as string | null, op);
    op.servedBy = this.servedBy(op);
    if (this.tap !== null) this.tapAnswer(op, GlobalCache.found(op), "");
    op.next(op);
  };

  private readonly answerPlain = (_answer: unknown, op: Operation) => {
    op.servedBy = this.servedBy(op);
    if (this.tap !== null) this.tapAnswer(op, "OK", "");
    op.next(op);
  };

  private readonly answerStored = (answer: unknown, op: Operation) => {
    op.stored = answer === 1;
    op.servedBy = this.servedBy(op);
    if (this.tap !== null) {
      const lease = op.command === this.issueFillLease;
      const why = lease
        ? "the key no longer holds this reader's lease: a write voided it"
        : "the cache holds a newer version or a tombstone";
      this.tapAnswer(op, op.stored ? "stored" : "refused", op.stored ? "" : why);
    }
    op.next(op);
  };

  private readonly answerTakeLease = (answer: unknown, op: Operation) => {
    op.servedBy = this.servedBy(op);
    if (answer === "granted") {
      op.found = "miss";
    } else if (answer === "held") {
      op.found = "held";
      op.leaseToken = 0;
    } else {
      // The key holds a live value entry: the lease was not needed.
      decodeInto(answer as string, op);
      op.leaseToken = 0;
    }
    if (this.tap !== null)
      this.tapAnswer(
        op,
        answer === "granted"
          ? "miss, lease granted"
          : answer === "held"
            ? "lease held"
            : GlobalCache.found(op),
        answer === "held" ? "another reader holds the fill lease: this one waits and asks again" : "",
      );
    op.next(op);
  };
}

/**
 * `version|expiresAtUs|` then `n` for an absent value or `s` followed by the value. 0 = no expiry.
 *
 * Written byte by byte into a scratch buffer and read out as one flat string: the only allocation of a
 * SET. A template literal makes a tree of concatenations (and a string for each number), which the store
 * would keep until the entry is overwritten (long enough to reach the old generation) and which is
 * copied flat again the first time the entry is read: each SET then left about 230 bytes of long-lived
 * garbage instead of one ~40-byte string. An array join made one flat string, but from an array and a
 * string per part, about 220 bytes of garbage a SET (the largest allocation of the request path). A
 * value outside ASCII, a number that is not a plain integer, or an entry too long for the buffer is
 * built the plain way (the same text).
 */
export function encodeEntry(value: string | null, version: number, expiresAtUs: number): string {
  const buffer = ENTRY_BUFFER;
  let at = writeDigits(buffer, 0, version);
  if (at >= 0) at = writeDigits(buffer, writeByte(buffer, at, BAR), expiresAtUs);
  if (at >= 0) {
    at = writeByte(buffer, at, BAR);
    if (value === null) return buffer.toString("latin1", 0, writeByte(buffer, at, 110 /* n */));
    at = writeByte(buffer, at, 115 /* s */);
    if (at + value.length <= buffer.length) {
      let ascii = true;
      for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i);
        if (code > 0x7f) {
          ascii = false;
          break;
        }
        buffer[at++] = code;
      }
      if (ascii) return buffer.toString("latin1", 0, at);
    }
  }
  const entry = value === null ? `${version}|${expiresAtUs}|n` : `${version}|${expiresAtUs}|s${value}`;
  entry.charCodeAt(0); // flattens the concatenations into one string (see above)
  return entry;
}

/** Scratch space for encodeEntry; entries longer than this are built as strings. */
const ENTRY_BUFFER = Buffer.allocUnsafe(256);
const BAR = 124; // "|"

function writeByte(buffer: Buffer, at: number, byte: number): number {
  buffer[at] = byte;
  return at + 1;
}

/**
 * Writes n in decimal at `at` and returns the index after it, or -1 when n is not a non-negative safe
 * integer (String(n) then has another form) or does not fit.
 */
function writeDigits(buffer: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) return -1;
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  const end = at + digits;
  if (end > buffer.length) return -1;
  // Exact for safe integers: rest / 10 is off by less than 1/16 (below 2^50 doubles are 1/8 apart or
  // closer), and its true fraction is a whole tenth, so the floor is the true quotient.
  let rest = n;
  for (let i = end - 1; i >= at; i--) {
    const quotient = Math.floor(rest / 10);
    buffer[i] = 48 + (rest - quotient * 10);
    rest = quotient;
  }
  return end;
}

export function encodeTombstone(version: number, expiresAtUs: number): string {
  return `${version}|${expiresAtUs}|t`;
}

/**
 * Reads a stored entry as of op.arrivedUs (the moment the request reached the cache) into op: found is
 * `miss` for nothing, a lease or a tombstone; `expired` past the entry's expiry; else `hit`. On hit or
 * expired the entry's value, version and expiry are kept on op.
 */
export function decodeInto(raw: string | null, op: Operation): void {
  if (raw === null || raw.charCodeAt(0) === 76 /* L: a lease */) {
    op.found = "miss";
    return;
  }
  const first = raw.indexOf("|");
  const second = raw.indexOf("|", first + 1);
  const kind = raw.charCodeAt(second + 1);
  if (kind === 116 /* t: a tombstone */) {
    op.found = "miss";
    return;
  }
  const expiresAtUs = digitsAt(raw, first + 1, second);
  op.entryExpiresAtUs = expiresAtUs;
  op.version = digitsAt(raw, 0, first);
  op.value = kind === 110 /* n */ ? null : sharedValueAt(op.key, op.version, raw, second + 2);
  op.found = expiresAtUs !== 0 && op.arrivedUs >= expiresAtUs ? "expired" : "hit";
}

/**
 * The number written in raw[from, to): what Number(raw.slice(from, to)) gives, without making the slice
 * (every global hit reads two). Plain digits are read here; anything else goes to Number.
 */
function digitsAt(raw: string, from: number, to: number): number {
  if (to - from > 15 || to === from) return Number(raw.slice(from, to));
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(raw.slice(from, to));
    n = n * 10 + digit;
  }
  return n;
}
