// The closed loop: `clients` clients, each issuing its next request when its last one has finished,
// after a think time. Throughput then follows the system's latency (Little's law: clients / (latency +
// think)), as in YCSB and most load generators. All clients start at the workload's start; think times
// are drawn on the workload's own `think` stream.
import { exponential } from "../../core/distributions.ts";
import { choice, duration, intIn, strict } from "../../plugin/options.ts";
import type { ArrivalProcess } from "./arrivalProcess.ts";

const CLIENTS_MAX = 100_000;
const THINK_DISTS = ["constant", "exponential"] as const;

export const closedLoop: ArrivalProcess<{
  clients: number;
  think: number;
  thinkDist: (typeof THINK_DISTS)[number];
}> = {
  name: "closed",
  summary: "`clients` clients, each issuing its next request when its last one finished, after `think`",
  usesRate: false,
  options: strict({
    clients: intIn(1, CLIENTS_MAX).default(1).describe("number of clients, each with one request at a time"),
    think: duration().default(0).describe("pause between a request's end and the client's next request"),
    thinkDist: choice(THINK_DISTS)
      .default("constant")
      .describe("constant think time, or exponential with mean `think`"),
  }),
  create({ stream }, { clients, think, thinkDist }) {
    const rng = thinkDist === "exponential" && think > 0 ? stream("think") : null;
    const thinkUs = () => (rng === null ? think : Math.round(exponential(rng, think)));
    return {
      start(scheduler, source) {
        const requestsMax = source.requestsMax;
        let issued = 0;
        const issueNext = () => {
          if (issued >= requestsMax) return;
          const index = issued++;
          let finished = false;
          // A source that has run out issues nothing, and the client stops.
          source.issue(index, () => {
            if (finished) throw new Error(`closed loop: request ${index} reported finished twice`);
            finished = true;
            // Always through the queue: a request that finishes at once (a local hit) must not recurse.
            scheduler.after(thinkUs(), issueNext);
          });
        };
        for (let c = 0; c < clients; c++) scheduler.after(0, issueNext);
      },
    };
  },
};
