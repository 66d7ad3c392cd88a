// How far V8 lets the heap grow, and how much its optimising compiler inlines, set for the whole
// process by importing this file before anything else: the launcher imports it first, and the
// benchmark scripts load it with `node --import`. It must come before the other modules load, because
// the young generation's size is decided while they do. Plain JavaScript, so the launcher can load it
// before any TypeScript loader. The settings only pace the collector and the compilers: no result can
// depend on them.
//
// Old generation. Left to itself V8 lets it grow up to about four times what survived its last full
// collection when collecting looks cheap, and a simulation is the case where it does: a steady
// working set (the oracle, the caches, the stores) and a stream of medium-lived garbage (cache entries
// overwritten, map tables rebuilt as entries churn) that survives the young generation and dies later.
// That headroom, not what a run keeps, set peak memory, and it grew with the run's length. With a fixed
// 40 %, `npm run bench` at 4,000,000 requests peaked at 233-250 MiB instead of 292-323 MiB, and a
// 10,000,000-key fill run at 492 MiB instead of 583, for no CPU time we could measure. Once the young
// generation below was kept small, 30 % took the 4,000,000-request peak from 159-167 MiB to 152-159
// (again for no wall time we could tell from the machine's noise); 20 % gave 146-151 MiB but cost
// 5-15 % more time in full collections.
//
// Young generation. V8 doubles its two semi-spaces (from 1 MiB up to 16 MiB each) whenever much of what
// they hold survives a scavenge, which is every scavenge while the modules load and while a run's
// working set fills; both then stay resident for the rest of the process, 32 MiB of a run's memory.
// Kept at their initial 1 MiB, `npm run bench` peaks at about 140 MiB instead of 180. The cost is more
// scavenges, each smaller.
//
// WebAssembly. sql.js (SQLite compiled to WebAssembly) starts in V8's baseline compiler, Liftoff, and
// its hot functions are then recompiled by the optimising one, TurboFan, in the background. SQLite's
// bytecode interpreter is one very large function, and optimising it took about 26 MiB for a moment
// (an idle store's peak went from 62 to 88 MiB), soon after start-up in every run and every sweep
// point. Liftoff's code alone was as fast for what the system of record does (point reads and writes
// whose time goes on crossing into WebAssembly and converting strings: 6.5-8.2 against 7.5-7.8 us a
// read-and-write), so the optimising tier is not used for WebAssembly.
//
// Inlining. TurboFan compiles a hot function with the functions it calls inlined, up to a budget of
// bytecode (V8's default: 920 bytes' worth in all), and builds each compilation's graph in memory of its
// own on one of V8's four background threads. glibc keeps what each thread frees for the thread to reuse,
// up to its trim threshold (about 2 MiB once a run has freed a block that large, as growing V8's string
// table does), so each thread holds on to its largest compilation: 7.8 MiB over the four in the
// benchmark world. With a budget of 230 the compilations are smaller and the threads keep 5.2 MiB: the
// world with a 30 s TTL, 1,000,000 requests, peaked at 103.5 MiB instead of 106.3 (medians of 9 and 10
// alternating runs), in the same time as far as the machine's noise tells (CPU time 0.94-1.07 of the
// default's in five series; trace replay and the MRC grid unchanged). A budget of 690 saved nothing.
// The kernel alone (`npm run bench:kernel`) is one chain of small calls that only the default budget
// inlines whole; it runs 13 % faster with it, and keeps it (kernelBench.ts).
import v8 from "node:v8";

const HEAP_GROWING_PERCENT = 30;
/** 1: the semi-spaces keep their initial size. */
const SEMI_SPACE_GROWTH_FACTOR = 1;
/** Bytecode TurboFan may inline into one compilation, in all. */
const INLINED_BYTECODE_MAX = 230;

v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
v8.setFlagsFromString(`--semi-space-growth-factor=${SEMI_SPACE_GROWTH_FACTOR}`);
v8.setFlagsFromString("--liftoff-only");
v8.setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINED_BYTECODE_MAX}`);
