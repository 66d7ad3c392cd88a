// Loading yargs without making the Intl.Segmenters it never uses on a run. Three of the modules yargs
// loads (string-width, in three copies: yargs', cliui's and wrap-ansi's) each make an Intl.Segmenter as
// they load, and making the first one loads ICU's grapheme rules into memory: about 3 MiB of every
// start's peak, and 1-2 MiB of a 1,000,000-request run's, for segmenters that only rendering help ever
// calls. The stand-in makes the real segmenter when it is first asked to segment, so `--help` measures
// text exactly as before.

type SegmenterArgs = ConstructorParameters<typeof Intl.Segmenter>;

/**
 * Runs `load` (an import) with Intl.Segmenter replaced by a stand-in that makes the real segmenter on
 * first use, then puts the real constructor back, so only what `load` makes is deferred.
 */
export async function withLazySegmenters<T>(load: () => Promise<T>): Promise<T> {
  const RealSegmenter = Intl.Segmenter;
  class LazySegmenter {
    readonly #args: SegmenterArgs;
    #real: Intl.Segmenter | undefined;

    constructor(...args: SegmenterArgs) {
      this.#args = args;
    }

    #segmenter(): Intl.Segmenter {
      this.#real ??= new RealSegmenter(...this.#args);
      return this.#real;
    }

    segment(input: string): Intl.Segments {
      return this.#segmenter().segment(input);
    }

    resolvedOptions(): Intl.ResolvedSegmenterOptions {
      return this.#segmenter().resolvedOptions();
    }
  }
  // Intl.Segmenter is a writable global, though TypeScript's library declares it read-only.
  Reflect.set(Intl, "Segmenter", LazySegmenter);
  try {
    return await load();
  } finally {
    Reflect.set(Intl, "Segmenter", RealSegmenter);
  }
}
