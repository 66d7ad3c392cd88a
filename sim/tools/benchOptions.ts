// The benchmark scripts' checks on their own options. A mistake there is the user's: one line naming
// the option, what it takes and what it was given, exit 2 and nothing run, never a stack trace (yargs
// alone would exit 1 after its help, and a number it cannot read arrives as NaN).

/** Options that take a whole number, each with its inclusive bounds. */
export type WholeNumberBounds = Readonly<Record<string, readonly [min: number, max: number]>>;

/** A yargs `.check`: every option named in bounds is absent or a whole number within them. */
export function wholeNumbers(bounds: WholeNumberBounds): (args: Record<string, unknown>) => true {
  return (args) => {
    for (const [name, [min, max]] of Object.entries(bounds)) {
      const value = args[name];
      if (value === undefined) continue;
      if (!(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)) {
        const given = typeof value === "number" && Number.isNaN(value) ? typed(name) : String(value);
        throw new Error(`--${name}: expected a whole number from ${min} to ${max}, found ${given}`);
      }
    }
    return true;
  };
}

/** What the command line gave an option yargs could not read as a number (it passes NaN on). */
function typed(name: string): string {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith(`--${name}=`)) return JSON.stringify(arg.slice(name.length + 3));
    if (arg === `--${name}` && i + 1 < argv.length) return JSON.stringify(argv[i + 1]);
  }
  return "something not a number";
}

/** A yargs `.fail`: the message on one line and exit 2. */
export function usageFailure(message: string | null | undefined, error: Error | undefined): never {
  console.error(`${message ?? error?.message ?? "bad command line"} (--help lists the options)`);
  process.exit(2);
}
