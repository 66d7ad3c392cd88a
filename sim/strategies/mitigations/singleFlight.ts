// single-flight (request coalescing) per node: while a node's database read of a key is in flight,
// further reads of that key on that node that reach the database wait for it instead of sending their
// own. Each follower is still its own read, recorded with its own start time; it gets the leader's
// answer (value and version, or its failure) when the leader does. Across nodes, a lease in the global
// cache (`fill: lease`) plays the same part.
import type { Operation } from "../../model/operation.ts";
import type { Key } from "../../model/oracle.ts";
import { strict } from "../../plugin/options.ts";
import { type Mitigation, withDatabaseRead } from "./mitigation.ts";

interface Flight {
  followers: Operation[];
  nexts: Array<(op: Operation) => void>;
}

export const singleFlight: Mitigation<Record<string, never>> = {
  name: "single-flight",
  summary: "per node, concurrent database reads of one key share one request (followers wait for it)",
  options: strict({}),
  create({ world, access }) {
    const database = world.database;
    // One table per node: a key's flight in progress.
    const flights = world.nodes.map(() => new Map<Key, Flight>());
    const landed = (leader: Operation, next: (op: Operation) => void) => {
      const table = flights[leader.node.index] as Map<Key, Flight>;
      const flight = table.get(leader.key) as Flight;
      table.delete(leader.key);
      next(leader);
      flight.followers.forEach((follower, i) => {
        follower.value = leader.value;
        follower.version = leader.version;
        follower.failed = leader.failed;
        follower.servedBy = leader.servedBy;
        (flight.nexts[i] as (op: Operation) => void)(follower);
      });
    };
    // A crash drops the leader with the node's other requests in flight; the followers wait on no
    // event of their own, so they are dropped here, and the flights forgotten: a read after the restart
    // must not join a flight that will never land.
    world.faults?.onCrash((node) => {
      const table = flights[node.index] as Map<Key, Flight>;
      for (const flight of table.values())
        for (const follower of flight.followers) world.faults?.dropped(follower);
      table.clear();
    });
    return {
      world: withDatabaseRead(world, (op, next) => {
        const table = flights[op.node.index] as Map<Key, Flight>;
        const flight = table.get(op.key);
        if (flight !== undefined) {
          flight.followers.push(op);
          flight.nexts.push(next);
          return;
        }
        table.set(op.key, { followers: [], nexts: [] });
        database.read(op, (leader) => landed(leader, next));
      }),
      access,
    };
  },
};
