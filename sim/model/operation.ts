// One read or write in flight. The tiers move it from leg to leg (node, cache, database, back) by
// scheduling shared functions with the operation as their argument, so a request allocates this one
// object rather than a closure per step. Every field is set up front, which keeps the object's shape
// fixed (V8 keeps property access monomorphic on the hot path).

import type { Key } from "./oracle.ts";
import type { MaybePromise } from "./ports.ts";
import type { Shard } from "./shard.ts";
import type { SimNode } from "./simNode.ts";

/** What a global-cache lookup found. `held`: another reader holds the key's fill lease. */
export type Lookup = "hit" | "miss" | "expired" | "held";

export class Operation {
  /** Version current in the system of record when the operation began (reads are judged by it). */
  versionAtStart = 0;
  /** The value read or being written, and its version once known. */
  value: string | null = null;
  version = 0;
  /** The key's global-cache shard, for strategies that use one. */
  shard: Shard | null = null;
  /** What the trace names as the place that served the read or took the write. */
  servedBy = "";
  /** When the current request reached the cache tier. */
  arrivedUs = 0;
  /** What the last global-cache lookup found, and the found entry's expiry (0 = never). */
  found: Lookup = "miss";
  entryExpiresAtUs = 0;
  /** A read served from an entry past its TTL on purpose (stale-while-revalidate). */
  staleServed = false;
  /** Fill lease held by this read (0 = none), and how many times it has asked for one. */
  leaseToken = 0;
  leaseAttempts = 0;
  /** A duration the current cache command needs (a lease's or a tombstone's TTL); -1 for none. */
  argUs = -1;
  /** Whether the last conditional store (fill, versioned set) was applied. */
  stored = false;
  /** The command the current cache leg issues when it reaches the cache, and what reads its answer. */
  command: (op: Operation) => MaybePromise<unknown> = noCommand;
  onAnswer: (answer: unknown, op: Operation) => void = noAnswer;
  /** Where a step made of several legs (a lease's retries) goes on when it is done. */
  resume: (op: Operation) => void = noNext;
  /** What runs when the current leg's answer is back at the node. */
  next: (op: Operation) => void = noNext;
  /** Called once when the operation has completed (closed-loop workloads wait for it). */
  done: (() => void) | null = null;
  /** Whether the last request timed out (its link or peer was down, or the answer came too late). */
  failed = false;
  /** When the current request left the node, and the shard it was sent to (faults only). */
  sentUs = 0;
  sentShard = -1;
  /** When the message now on its way (a request or its answer) was sent; kept only for a message tap. */
  tapSentUs = 0;
  /** The pending timeout of the current database request (faults only; a kernel event handle). */
  timeoutHandle = -1;
  /** The node's epoch when the operation began; a crash since then drops it (world.ts). */
  epoch: number;

  constructor(
    public node: SimNode,
    public key: Key,
    /** Numbers operations in the order they start (the trace's order); -1 for background work. */
    public opId: number,
    public startUs: number,
  ) {
    this.epoch = node.epoch;
  }

  /**
   * Makes this object a fresh operation again, for a caller that knows nothing holds on to it (a read
   * served by the node's own cache is finished before its step returns): every field as the
   * constructor leaves it.
   */
  renew(node: SimNode, key: Key, opId: number, startUs: number): this {
    this.versionAtStart = 0;
    this.value = null;
    this.version = 0;
    this.shard = null;
    this.servedBy = "";
    this.arrivedUs = 0;
    this.found = "miss";
    this.entryExpiresAtUs = 0;
    this.staleServed = false;
    this.leaseToken = 0;
    this.leaseAttempts = 0;
    this.argUs = -1;
    this.stored = false;
    this.command = noCommand;
    this.onAnswer = noAnswer;
    this.resume = noNext;
    this.next = noNext;
    this.done = null;
    this.failed = false;
    this.sentUs = 0;
    this.sentShard = -1;
    this.tapSentUs = 0;
    this.timeoutHandle = -1;
    this.node = node;
    this.key = key;
    this.opId = opId;
    this.startUs = startUs;
    this.epoch = node.epoch;
    return this;
  }
}

function noNext(op: Operation): void {
  throw new Error(`operation ${op.opId} finished a leg with nothing to do next`);
}

function noCommand(op: Operation): never {
  throw new Error(`operation ${op.opId} reached the cache with no command`);
}

function noAnswer(_answer: unknown, op: Operation): void {
  throw new Error(`operation ${op.opId} got an answer with nothing to read it`);
}
