// `npm run patterns:table`: prints the README's side-by-side table of the catalogue's patterns, run
// afresh on scenarios/patterns/compare.yaml (see sim/tools/comparison.ts).
import { patternTable } from "./comparison.ts";

console.log(await patternTable());
