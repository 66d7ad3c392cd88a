// Matches published invalidation messages with their arrival at the run's own subscriber, by the sequence
// number the store puts in each message, so that several messages can be in flight at once and each
// publish() resolves exactly when its own message has come back.
import { framePublished, sequenceOf } from "./cacheScripts.ts";

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

const noop = () => {};

export class Deliveries {
  private nextSeq = 0;
  private readonly waiting = new Map<number, Waiter>();
  private failure: unknown = null;

  /** Messages sent whose arrival has not been seen yet. */
  get inFlight(): number {
    return this.waiting.size;
  }

  /**
   * Frames a message with the next sequence number and returns it, with the promise of its arrival. The
   * promise is marked handled: the engine may await it only later, and a failure meanwhile must not count
   * as an unhandled rejection.
   */
  send(message: string): { framed: string; arrived: Promise<void> } {
    const seq = this.nextSeq++;
    const framed = framePublished(seq, message);
    if (this.failure !== null) {
      const arrived = Promise.reject(this.failure);
      arrived.catch(noop);
      return { framed, arrived };
    }
    const arrived = new Promise<void>((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
    arrived.catch(noop);
    return { framed, arrived };
  }

  /** A message reached the subscriber. Messages that are not ours (or arrive twice) are ignored. */
  received(framed: string): void {
    const seq = sequenceOf(framed);
    const waiter = this.waiting.get(seq);
    if (!waiter) return;
    this.waiting.delete(seq);
    waiter.resolve();
  }

  /** The publish of one message failed: only its waiter learns it. */
  failOne(framed: string, error: unknown): void {
    const seq = sequenceOf(framed);
    const waiter = this.waiting.get(seq);
    if (!waiter) return;
    this.waiting.delete(seq);
    waiter.reject(error);
  }

  /** The channel is gone: every message in flight, and every later one, fails with this error. */
  failAll(error: unknown): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }
}
