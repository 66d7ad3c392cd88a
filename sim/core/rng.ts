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

  /**
   * seedrandom's alea `double()`: two steps, 53 bits. Written with each field read and written once,
   * and Math.floor where seedrandom truncates with `| 0`: the same value here, since t is in
   * [0, 2091640) and low × 2^21 in [0, 2^21), but one rounding instead of a conversion to an integer
   * and back on the chain each step waits for. Draws about 10 % faster in `npm run bench:kernel`.
   */
  next(): number {
    const s1 = this.s1;
    const s2 = this.s2;
    // Step one: the high 32 bits.
    let t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    const c1 = Math.floor(t);
    const high = t - c1;
    // Step two: 21 more bits.
    t = 2091639 * s1 + c1 * 2.3283064365386963e-10;
    const c2 = Math.floor(t);
    const low = t - c2;
    this.s0 = s2;
    this.s1 = high;
    this.s2 = low;
    this.c = c2;
    return high + Math.floor(low * 0x200000) * 1.1102230246251565e-16; // 2^-53
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
