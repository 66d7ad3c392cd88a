// A script: operations at fixed virtual times on one node, in file order for equal times.
import type { ScriptOp } from "../spec/types.ts";
import type { Workload, WorkloadContext } from "./workload.ts";

export class ScriptWorkload implements Workload {
  constructor(
    private readonly nodeName: string,
    private readonly ops: readonly ScriptOp[],
  ) {}

  start({ scheduler, strategy, nodesByName, oracle }: WorkloadContext): void {
    const node = nodesByName.get(this.nodeName);
    if (node === undefined) throw new Error(`script names unknown node ${this.nodeName}`);
    const ops = this.ops;
    let next = 0;
    const runNext = () => {
      const op = ops[next++] as ScriptOp;
      if (next < ops.length) scheduler.at((ops[next] as ScriptOp).atUs, runNext);
      if (op.op === "read") strategy.read(node, oracle.key(op.key));
      else if (op.op === "write") strategy.write(node, oracle.key(op.key), op.value);
      else strategy.flush(node);
    };
    if (ops.length > 0) scheduler.at((ops[0] as ScriptOp).atUs, runNext);
  }
}
