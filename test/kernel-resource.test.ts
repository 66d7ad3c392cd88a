// Guards the queueing Resource: never more holders than capacity, grants strictly first come first
// served, exact non-negative waits, withdrawals (timed-out waiters), and the figures it reports.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GRANTED_AT_ONCE, Resource } from "../sim/core/resource.ts";
import { Scheduler, SimulationError } from "../sim/core/scheduler.ts";

interface Request {
  atUs: number;
  holdUs: number;
  /** Gives up waiting this long after asking (if still waiting). */
  patienceUs: number | undefined;
}

/** A reference model: one list of waiters, scanned in time order by brute force. */
function model(capacity: number, requests: Request[]) {
  type Ev = { t: number; kind: 0 | 1 | 2; i: number; seq: number }; // 0 release, 1 ask, 2 give up
  const grants: Array<{ i: number; atUs: number; waitUs: number }> = [];
  const waiting: number[] = [];
  let holders = 0;
  let seq = 0;
  let evs: Ev[] = requests.map((r, i) => ({ t: r.atUs, kind: 1, i, seq: seq++ }));
  const withdrawn = new Set<number>();
  const grant = (i: number, t: number) => {
    holders++;
    grants.push({ i, atUs: t, waitUs: t - (requests[i] as Request).atUs });
    evs.push({ t: t + (requests[i] as Request).holdUs, kind: 0, i, seq: seq++ });
  };
  while (evs.length > 0) {
    evs.sort((a, b) => a.t - b.t || a.seq - b.seq);
    const e = evs.shift() as Ev;
    if (e.kind === 1) {
      const r = requests[e.i] as Request;
      if (holders < capacity && waiting.length === 0) grant(e.i, e.t);
      else {
        waiting.push(e.i);
        if (r.patienceUs !== undefined) evs.push({ t: e.t + r.patienceUs, kind: 2, i: e.i, seq: seq++ });
      }
    } else if (e.kind === 2) {
      const at = waiting.indexOf(e.i);
      if (at >= 0) {
        waiting.splice(at, 1);
        withdrawn.add(e.i);
      }
    } else {
      holders--;
      while (holders < capacity && waiting.length > 0) grant(waiting.shift() as number, e.t);
    }
    evs = evs.filter((x) => x.kind !== 2 || waiting.includes(x.i) || x === e);
  }
  return { grants, withdrawn };
}

describe("Resource", () => {
  it("matches a first-come-first-served model: capacity respected, exact waits, withdrawals", async () => {
    const requestArb = fc.record({
      atUs: fc.integer({ min: 0, max: 100 }),
      holdUs: fc.integer({ min: 0, max: 40 }),
      patienceUs: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(requestArb, { minLength: 1, maxLength: 40 }),
        async (capacity, requests) => {
          const s = new Scheduler();
          const waits: number[] = [];
          const r = new Resource(s, capacity, { name: "db", onGrant: (w) => waits.push(w) });
          const grants: Array<{ i: number; atUs: number; waitUs: number }> = [];
          let peak = 0;
          const granted = (i: number, waitUs: number) => {
            expect(r.inUse).toBeLessThanOrEqual(capacity);
            peak = Math.max(peak, r.inUse);
            expect(r.lastWaitUs).toBe(waitUs);
            grants.push({ i, atUs: s.nowUs, waitUs });
            s.after((requests[i] as Request).holdUs, () => r.release());
          };
          const withdrawn = new Set<number>();
          // Asks go first at an instant, give-ups next, releases last, as in the model's ordering by
          // scheduling order: every ask is scheduled before the run, so it precedes anything scheduled
          // during it.
          requests.forEach((req, i) => {
            s.at(req.atUs, () => {
              const ticket = r.acquire(granted, i);
              if (ticket === GRANTED_AT_ONCE || req.patienceUs === undefined) return;
              s.after(req.patienceUs, () => {
                if (r.withdraw(ticket)) withdrawn.add(i);
                expect(r.withdraw(ticket)).toBe(false);
              });
            });
          });
          await s.run(100_000, 100_000);

          const expected = model(capacity, requests);
          expect(grants).toEqual(expected.grants);
          expect(withdrawn).toEqual(expected.withdrawn);
          expect(waits).toEqual(grants.map((g) => g.waitUs));
          for (const g of grants) expect(g.waitUs).toBeGreaterThanOrEqual(0);
          expect(r.inUse).toBe(0);
          expect(r.queueLength).toBe(0);
          expect(r.peakInUse).toBe(peak);
          expect(r.grants).toBe(grants.length);
          expect(r.waitUsTotal).toBe(waits.reduce((a, b) => a + b, 0));
          expect(r.waitUsMax).toBe(Math.max(0, ...waits));
        },
      ),
    );
  });

  it("grants in arrival order and reports queue length and peaks", () => {
    const s = new Scheduler();
    const r = new Resource(s, 2);
    const order: string[] = [];
    const take = (name: string) => order.push(name);
    expect(r.acquire(take, "a")).toBe(GRANTED_AT_ONCE);
    expect(r.acquire(take, "b")).toBe(GRANTED_AT_ONCE);
    const tc = r.acquire(take, "c");
    r.acquire(take, "d");
    r.acquire(take, "e");
    expect([r.inUse, r.queueLength, r.peakQueueLength]).toEqual([2, 3, 3]);
    expect(r.withdraw(tc)).toBe(true);
    expect(r.queueLength).toBe(2);
    r.release();
    r.release();
    expect(order).toEqual(["a", "b", "d", "e"]);
    expect([r.inUse, r.queueLength, r.peakInUse, r.peakQueueLength]).toEqual([2, 0, 2, 3]);
  });

  it("a holder that releases at once cannot grow the stack, however long the queue", () => {
    const s = new Scheduler();
    const r = new Resource(s, 1);
    let served = 0;
    const quick = () => {
      served++;
      r.release();
    };
    r.acquire(() => {}, null);
    for (let i = 0; i < 100_000; i++) r.acquire(quick, null);
    r.release();
    expect(served).toBe(100_000);
    expect(r.inUse).toBe(0);
  });

  it("refuses a bad capacity, a runaway queue and an extra release with clear errors", () => {
    const s = new Scheduler();
    expect(() => new Resource(s, 0, { name: "pool" })).toThrow(/pool: capacity must be a whole number/);
    expect(() => new Resource(s, 1.5)).toThrow(SimulationError);
    const r = new Resource(s, 1, { name: "pool", queueMax: 2 });
    r.acquire(() => {}, null);
    r.acquire(() => {}, null);
    r.acquire(() => {}, null);
    expect(() => r.acquire(() => {}, null)).toThrow(/pool: more than 2 waiting at virtual time 0us/);
    const idle = new Resource(s, 1, { name: "idle" });
    expect(() => idle.release()).toThrow(/idle: released more often than acquired/);
  });
});
