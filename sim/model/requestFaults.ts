// What happens to a request in flight once a run has faults: the deadline it waits for, and whom the
// tiers tell when it times out or belongs to a node that has crashed since. Apart from link.ts because a
// request is an Operation, and an Operation names its node, whose links are links: this file sits above
// both, so the types form a line rather than a circle.
import type { Operation } from "./operation.ts";

/** The tiers a request can time out at. */
export type Tier = "cache" | "database";

/**
 * What the tiers do once a run has faults: how long a request waits for its answer, and whom they tell
 * when one times out or belongs to a node that has crashed since. Null in a run without faults, which
 * keeps the tiers on their exact fault-free path.
 */
export interface RequestFaults {
  timeoutUs: number;
  /** A request of op's timed out at `tier`; the operation goes on with op.failed set. */
  timedOut(op: Operation, tier: Tier): void;
  /** An operation of a node that crashed after it began turned up, and was dropped. */
  dropped(op: Operation): void;
  /**
   * op's request left its node; `handle` is the event that brings the node its answer or its timeout
   * (-1 while the request is still on its way). A crash of the node cancels that event and drops op.
   */
  awaiting(op: Operation, handle: number): void;
  /** The event op's node waited for has run: op is no longer in flight there. */
  arrived(op: Operation): void;
}

/** An answer came back before the sender's deadline: op is no longer in flight and goes on with it. */
export function answerInTime(faults: RequestFaults, answer: unknown, op: Operation): void {
  faults.arrived(op);
  op.onAnswer(answer, op);
}

/**
 * The sender's deadline passed with no answer from `tier`: op is no longer in flight, is counted, and
 * goes on failed, as served by `servedBy`. A tier sets what else a failed answer means before calling.
 */
export function timeOut(faults: RequestFaults, op: Operation, tier: Tier, servedBy: string): void {
  faults.arrived(op);
  op.failed = true;
  op.servedBy = servedBy;
  faults.timedOut(op, tier);
  op.next(op);
}

/** Lets a request's answer, possibly still a promise, fail without anyone waiting for it. */
export function abandon(answer: unknown): void {
  if (typeof (answer as { then?: unknown } | null)?.then === "function")
    (answer as Promise<unknown>).then(undefined, () => {});
}
