// A generator: requests spread over its nodes, each a read, update, insert, scan or read-modify-write of
// a key drawn from a key distribution, at times an arrival process sets. Every choice draws from the
// workload's own named streams (`<workload>:nodes`, `:keys`, `:ops`, `:arrivals`, ...), so adding a
// workload or a node never shifts another's numbers.
import { uniformInt } from "../core/distributions.ts";
import { SimulationError } from "../core/scheduler.ts";
import type { Key } from "../model/oracle.ts";
import type { SimNode } from "../model/simNode.ts";
import { LIMITS } from "../spec/limits.ts";
import { arrivalProcesses } from "./arrivals/registry.ts";
import type { GeneratorSpec } from "./generatorSpec.ts";
import { keyDistributions } from "./keys/registry.ts";
import { pluginOptions } from "./pluginField.ts";
import { valueSizes } from "./sizes/sizes.ts";
import { sizedValue, type ValueSizer } from "./sizes/valueSize.ts";
import type { Workload, WorkloadContext } from "./workload.ts";

/** Key spaces up to this size keep their resolved keys in an array (8 MiB of slots at most), larger in a Map. */
const DENSE_KEYS_MAX = 1_000_000;

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
    const stream = (suffix: string) => rng.stream(`${streamPrefix}:${suffix}`);
    const nodePick = stream("nodes");
    const opPick = stream("ops");
    const { count, prefix } = spec.keys;
    const dist = pluginOptions(spec.keys, "dist", ["count", "prefix"]);
    const sampler = keyDistributions.get(dist.name).create({ count, rng: stream("keys") }, dist.options);
    // Keys are resolved when first drawn and kept: the hot path then allocates nothing. Up to
    // DENSE_KEYS_MAX keys they sit in an array (the fastest lookup, one empty 8-byte slot per key until
    // used); a larger key space keeps them in a Map, so its memory follows the keys drawn (a dense
    // 10,000,000-key array alone would take 76 MiB before the first request). Inserts grow the key
    // space; an inserted key is resolved when it is first drawn too.
    // When the keys are a `data.fill` range's, the array is the oracle's own (one slot per key, not two).
    const keys: Array<Key | undefined> =
      count <= DENSE_KEYS_MAX ? (oracle.filledKeysFor(prefix, count) ?? new Array(count)) : [];
    const sparseKeys = count <= DENSE_KEYS_MAX ? null : new Map<number, Key>();
    let keySpace = count;
    const keyAt = (index: number): Key => {
      while (keySpace <= index) {
        if (keySpace >= LIMITS.keyCount) {
          throw new SimulationError(
            `${streamPrefix}: inserts grew the key space past ${LIMITS.keyCount} keys; lower the insert proportion or the request count`,
          );
        }
        keySpace++;
      }
      let key = sparseKeys === null ? keys[index] : sparseKeys.get(index);
      if (key === undefined) {
        key = oracle.key(`${prefix}${index}`);
        if (sparseKeys === null) keys[index] = key;
        else sparseKeys.set(index, key);
      }
      return key;
    };
    let sizer: ValueSizer | null = null;
    if (spec.valueSize !== null) {
      const size = pluginOptions(spec.valueSize, "dist");
      sizer = valueSizes.get(size.name).create({ rng: stream("sizes") }, size.options);
    }
    const arrival = pluginOptions(spec.arrival, "process");
    const driver = arrivalProcesses
      .get(arrival.name)
      .create({ ratePerSec: spec.ratePerSec, stream }, arrival.options);

    const { read, update, insert, scan } = spec.mix;
    const readCut = read;
    const updateCut = readCut + update;
    const insertCut = updateCut + insert;
    const scanCut = insertCut + scan;
    const scanRng = scan > 0 ? stream("scans") : null;
    const roundRobin = spec.balance === "round-robin";
    let writesIssued = 0;
    let inserted = 0;
    const value = (node: SimNode) => {
      const tag = `${node.name}#${++writesIssued}`;
      return sizer === null ? tag : sizedValue(tag, sizer.next());
    };
    const write = (node: SimNode, index: number, done: (() => void) | undefined) => {
      sampler.written(index);
      strategy.write(node, keyAt(index), value(node), done);
    };

    driver.start(scheduler, {
      requestsMax: spec.requests > 0 ? spec.requests : Number.POSITIVE_INFINITY,
      issue(index, done) {
        const node = roundRobin
          ? (nodes[index % nodes.length] as SimNode)
          : (nodes[uniformInt(nodePick, 0, nodes.length - 1)] as SimNode);
        const u = opPick.next();
        if (u < readCut) {
          strategy.read(node, keyAt(sampler.next()), done);
        } else if (u < updateCut) {
          write(node, sampler.next(), done);
        } else if (u < insertCut) {
          write(node, count + inserted++, done);
        } else if (u < scanCut) {
          // A scan is `length` reads of consecutive keys, all issued now (a multi-get); it is done when
          // the last of them is. Past the end of the key space it wraps round to key 0.
          const first = sampler.next();
          const length = uniformInt(
            scanRng as NonNullable<typeof scanRng>,
            spec.scanLength.min,
            spec.scanLength.max,
          );
          const space = count + inserted;
          let pending = length;
          const oneDone = done === undefined ? undefined : () => --pending === 0 && done();
          for (let i = 0; i < length; i++) strategy.read(node, keyAt((first + i) % space), oneDone);
        } else {
          const index = sampler.next();
          strategy.read(node, keyAt(index), () => write(node, index, done));
        }
        return true;
      },
    });
  }
}
