// Stampede mitigations: decorators over what a strategy's read path works with (the world's database
// and the global cache as GlobalAccess), chosen in a scenario's `mitigations:` list and applied in the
// order listed, under any strategy. Each is a plugin (name, options, factory), one file each.
import type { World } from "../../model/world.ts";
import type { Plugin } from "../../plugin/registry.ts";
import type { GlobalAccess } from "../part.ts";

/** What a read path is built over; a mitigation returns it decorated. */
export interface ReadSide {
  world: World;
  access: GlobalAccess;
}

export type Mitigation<Options = unknown> = Plugin<Options, ReadSide, ReadSide>;

/** A world whose database reads go through `read` instead (everything else is the world's own). */
export function withDatabaseRead(world: World, read: World["database"]["read"]): World {
  const database = Object.create(world.database) as World["database"];
  database.read = read;
  return { ...world, database };
}
