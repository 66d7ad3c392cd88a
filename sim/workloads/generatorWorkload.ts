// A generator: Poisson arrivals at a rate, spread over its nodes, each a read or a write of a key drawn
// uniformly or by Zipf. Arrival times accumulate in exact (fractional) microseconds and are rounded only
// when scheduled, so rounding never biases the rate.
import { exponential, uniformInt, ZipfSampler } from "../core/distributions.ts";
import type { Key } from "../model/oracle.ts";
import type { SimNode } from "../model/world.ts";
import type { GeneratorSpec } from "../scenario/types.ts";
import type { Workload, WorkloadContext } from "./workload.ts";

export class GeneratorWorkload implements Workload {
  constructor(
    private readonly nodeNames: readonly string[],
    private readonly spec: GeneratorSpec,
  ) {}

  start({ scheduler, strategy, nodesByName, rng, streamPrefix, oracle }: WorkloadContext): void {
    const spec = this.spec;
    const nodes: SimNode[] = this.nodeNames.map((name) => {
      const node = nodesByName.get(name);
      if (node === undefined) throw new Error(`generator names unknown node ${name}`);
      return node;
    });
    const arrivals = rng.stream(`${streamPrefix}:arrivals`);
    const nodePick = rng.stream(`${streamPrefix}:nodes`);
    const keyPick = rng.stream(`${streamPrefix}:keys`);
    const opPick = rng.stream(`${streamPrefix}:ops`);
    const { count, prefix } = spec.keys;
    // Keys are resolved once: the key space is capped at load time, and the hot path then allocates nothing.
    const keys = Array.from({ length: count }, (_, i) => oracle.key(`${prefix}${i}`));
    const zipf = spec.keys.dist === "zipf" ? new ZipfSampler(count, spec.keys.s) : null;
    const meanGapUs = 1_000_000 / spec.ratePerSec;
    const requestsMax = spec.requests > 0 ? spec.requests : Number.POSITIVE_INFINITY;
    const roundRobin = spec.balance === "round-robin";
    const readFraction = spec.readFraction;
    let issued = 0;
    let writesIssued = 0;
    let nextArrivalUs = scheduler.nowUs + exponential(arrivals, meanGapUs);

    const arrive = () => {
      const node = roundRobin
        ? (nodes[issued % nodes.length] as SimNode)
        : (nodes[uniformInt(nodePick, 0, nodes.length - 1)] as SimNode);
      issued++;
      if (issued < requestsMax) {
        nextArrivalUs += exponential(arrivals, meanGapUs);
        scheduler.at(Math.round(nextArrivalUs), arrive);
      }
      const key = keys[zipf === null ? uniformInt(keyPick, 0, count - 1) : zipf.sample(keyPick)] as Key;
      if (opPick.next() < readFraction) strategy.read(node, key);
      else strategy.write(node, key, `${node.name}#${++writesIssued}`);
    };
    scheduler.at(Math.round(nextArrivalUs), arrive);
  }
}
