// Named random streams derived from one root seed. Each component draws from its own stream, keyed by
// a stable name, so adding a node or a link never shifts the numbers any other component sees.
import seedrandom from "seedrandom";

export interface Rng {
  /** A uniform double in [0, 1). */
  next(): number;
}

/**
 * Alea (Baagøe), seeded by seedrandom, which also defines it. seedrandom's generator is a chain of
 * closures over a shared object (prng.double → prng → xg.next), and every draw in a run goes through
 * it, so the stream steps its state itself: the same arithmetic as seedrandom's `double()`, in one
 * monomorphic method. `test/rng.test.ts` checks that both give the same numbers.
 */
class AleaStream implements Rng {
  // Declared with double values so V8 keeps them as unboxed doubles from the start; fields that begin
  // undefined would box every store.
  private c = 0.5;
  private s0 = 0.5;
  private s1 = 0.5;
  private s2 = 0.5;

  constructor(seed: string) {
    const state = seedrandom.alea(seed, { state: true }).state() as {
      c: number;
      s0: number;
      s1: number;
      s2: number;
    };
    this.c = state.c;
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
  }

  /** seedrandom's alea `double()`: two steps, 53 bits. */
  next(): number {
    // Step one: the high 32 bits.
    let t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    const high = t - this.c;
    this.s2 = high;
    // Step two: 21 more bits.
    t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    const low = t - this.c;
    this.s2 = low;
    return high + ((low * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }
}

export class RngStreams {
  private readonly streams = new Map<string, Rng>();

  constructor(readonly rootSeed: number) {}

  /** The stream for `name`; asking twice for the same name gives the same stream object. */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (rng === undefined) {
      // Alea: fast, 2^116 period, and its state depends only on the seed string.
      rng = new AleaStream(`cachesim:${this.rootSeed}:${name}`);
      this.streams.set(name, rng);
    }
    return rng;
  }
}
