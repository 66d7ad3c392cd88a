// Everything a scenario selects by name (a strategy or one of its parts, an eviction policy, a key
// distribution, a workload kind, a latency model, a fault) is a plugin: a name, a one-line summary, the
// schema of its own options (with their defaults) and a factory. A registry holds the plugins of one
// kind. The scenario loader composes the option schemas by name, so adding a plugin with options is one
// file plus a registry line, and it gets the same file:line + field-path errors as every other field.
//
// In a scenario file a plugin is named either bare (`eviction: lru`) or as a mapping whose selector field
// names it and whose other fields are its options (`eviction: { policy: s3fifo, smallRatio: 0.1 }`). The
// selector field is the registry's (`name` unless the registry says otherwise).
import type { z } from "zod";

export interface Plugin<Options = unknown, Context = unknown, Made = unknown> {
  readonly name: string;
  /** One line for listings (`cachesim strategies`, `--help`) and the README. */
  readonly summary: string;
  /**
   * The plugin's options: a strict zod object whose fields carry their defaults (`.default(...)`) and a
   * `.describe(...)` line each. Parsing `{}` must give the defaults. A plugin without options uses
   * `z.object({}).strict()`.
   */
  readonly options: z.ZodType<Options>;
  create(context: Context, options: Options): Made;
}

/** A plugin reference after loading: which plugin, and its options with every default filled in. */
export interface PluginChoice<Options = unknown> {
  name: string;
  options: Options;
}

export class Registry<P extends { readonly name: string }> {
  private readonly byName = new Map<string, P>();

  /**
   * @param kind what the plugins are, for messages: `strategy`, `eviction policy`, ...
   * @param selector the mapping field that names the plugin in a scenario file (`name`, `policy`, `dist`)
   */
  constructor(
    readonly kind: string,
    plugins: readonly P[],
    readonly selector = "name",
  ) {
    for (const plugin of plugins) {
      if (this.byName.has(plugin.name)) throw new Error(`${kind} "${plugin.name}" is registered twice`);
      this.byName.set(plugin.name, plugin);
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): P[] {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The plugin of that name; an unknown name fails loudly, listing the known ones. */
  get(name: string): P {
    const found = this.byName.get(name);
    if (found === undefined) {
      throw new Error(`unknown ${this.kind} "${name}" (known: ${this.names().join(", ")})`);
    }
    return found;
  }
}
