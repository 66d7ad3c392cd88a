// Named random streams derived from one root seed. Each component draws from its own stream, keyed by
// a stable name, so adding a node or a link never shifts the numbers any other component sees.
import seedrandom from "seedrandom";

export interface Rng {
  /** A uniform double in [0, 1). */
  next(): number;
}

export class RngStreams {
  private readonly streams = new Map<string, Rng>();

  constructor(readonly rootSeed: number) {}

  /** The stream for `name`; asking twice for the same name gives the same stream object. */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (rng === undefined) {
      // Alea: fast, 2^116 period, and its state depends only on the seed string.
      const alea = seedrandom.alea(`cachesim:${this.rootSeed}:${name}`);
      rng = { next: () => alea.double() };
      this.streams.set(name, rng);
    }
    return rng;
  }
}
