// A stand-in for a strategy that records what a workload asks of it and reports each operation done
// after a fixed virtual latency, so workloads can be tested without the caches and backends.
import type { Scheduler } from "../../sim/core/scheduler.ts";
import type { Key } from "../../sim/model/oracle.ts";
import type { SimNode } from "../../sim/model/simNode.ts";
import type { Operations } from "../../sim/workloads/workload.ts";

export interface Call {
  atUs: number;
  op: "read" | "write" | "flush";
  node: string;
  key: string;
  value?: string;
}

export class FakeOperations implements Operations {
  readonly calls: Call[] = [];
  /** Operations started and not yet done, and the most seen at once. */
  inFlight = 0;
  inFlightMax = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly latencyUs = 0,
  ) {}

  private track(done: (() => void) | undefined): void {
    this.inFlight++;
    this.inFlightMax = Math.max(this.inFlightMax, this.inFlight);
    this.scheduler.after(this.latencyUs, () => {
      this.inFlight--;
      done?.();
    });
  }

  read(node: SimNode, key: Key, done?: () => void): void {
    this.calls.push({ atUs: this.scheduler.nowUs, op: "read", node: node.name, key: key.name });
    this.track(done);
  }

  write(node: SimNode, key: Key, value: string, done?: () => void): void {
    this.calls.push({ atUs: this.scheduler.nowUs, op: "write", node: node.name, key: key.name, value });
    this.track(done);
  }

  flush(node: SimNode): void {
    this.calls.push({ atUs: this.scheduler.nowUs, op: "flush", node: node.name, key: "" });
  }
}

export function fakeNodes(...names: string[]): Map<string, SimNode> {
  return new Map(
    names.map((name, index) => [
      name,
      { index, name, cache: null, cacheHopUs: () => 0, dbHopUs: () => 0 } as unknown as SimNode,
    ]),
  );
}
