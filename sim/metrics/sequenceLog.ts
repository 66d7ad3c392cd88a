// The messages and notable events of a run, kept for its sequence diagram (sequence.csv): every request
// and answer the tiers report through their message tap, and, through a tally that watches the counts
// the tiers and strategy parts keep, the moments something went wrong or was refused (a voided lease
// fill, a refused versioned fill, a lost invalidation, a timeout, ...). Only a run drawn as a diagram
// keeps one; it is bounded, and a run that passes the bound gets no diagram rather than half of one.
import type { MessageTap } from "../model/messageTap.ts";
import { nodeLane } from "../model/messageTap.ts";
import { TALLY, TALLY_COLUMNS, type Tally, type TallyId } from "../model/tally.ts";

export const SEQUENCE_FILE = "sequence.csv";

/** op: the operation's id (trace order; -1 background); kind: `message` or `mark`. */
export const SEQUENCE_HEADER = ["op", "kind", "from", "to", "what", "sent_us", "arrived_us", "note"] as const;

/** The counts worth a mark on the diagram: each is an event a reader of the race wants to see. */
const MARKED: ReadonlySet<TallyId> = new Set<TallyId>([
  TALLY.leaseVoidedFills,
  TALLY.fillsRefused,
  TALLY.leaseWaits,
  TALLY.invalidationsLost,
  TALLY.staleServed,
  TALLY.cacheSetsRefused,
  TALLY.readsFailed,
  TALLY.writesFailed,
  TALLY.cacheTimeouts,
  TALLY.dbTimeouts,
  TALLY.opsDropped,
  TALLY.opsRefused,
  TALLY.writesLost,
  TALLY.staleIfError,
  TALLY.cacheUpdatesLost,
]);

const COLUMN_OF = new Map<number, string>(TALLY_COLUMNS.map((c, id) => [id, c.column]));
const DESCRIPTION_OF = new Map<number, string>(TALLY_COLUMNS.map((c, id) => [id, c.description]));

export class SequenceLog implements MessageTap {
  private readonly kept: string[][] = [];
  private full = false;
  private nowUs: () => number = () => 0;
  private nodeNames: readonly string[] = [];

  /** rowsMax: messages and marks kept at most; past it the log is marked overflowed and keeps nothing. */
  constructor(readonly rowsMax: number) {}

  /** Gives the log the run's clock and node names (the runner does, once the world is built). */
  attach(nowUs: () => number, nodeNames: readonly string[]): void {
    this.nowUs = nowUs;
    this.nodeNames = nodeNames;
  }

  /** Whether the run had more messages than rowsMax (then rows is empty). */
  get overflowed(): boolean {
    return this.full;
  }

  get rows(): readonly string[][] {
    return this.kept;
  }

  message(
    opId: number,
    from: string,
    to: string,
    what: string,
    sentUs: number,
    arrivedUs: number | null,
    note: string,
  ): void {
    this.keep([
      String(opId),
      "message",
      from,
      to,
      what,
      String(sentUs),
      arrivedUs === null ? "" : String(arrivedUs),
      note,
    ]);
  }

  /** A tally that counts into `inner` and marks the counts worth seeing on the diagram. */
  observe(inner: Tally): Tally {
    return {
      bump: (nodeIndex, id, n) => {
        inner.bump(nodeIndex, id, n);
        if (!MARKED.has(id)) return;
        const node = this.nodeNames[nodeIndex] ?? String(nodeIndex);
        const times = n === undefined || n === 1 ? "" : ` (${n})`;
        this.keep([
          "",
          "mark",
          nodeLane(node),
          "",
          `${COLUMN_OF.get(id) ?? String(id)}${times}`,
          String(this.nowUs()),
          "",
          DESCRIPTION_OF.get(id) ?? "",
        ]);
      },
      flushLag: (nodeIndex, lagUs) => inner.flushLag(nodeIndex, lagUs),
      pending: (nodeIndex, delta) => inner.pending(nodeIndex, delta),
      databaseWait: (nodeIndex, waitUs, inUse) => inner.databaseWait(nodeIndex, waitUs, inUse),
    };
  }

  private keep(row: string[]): void {
    if (this.full) return;
    if (this.kept.length >= this.rowsMax) {
      this.full = true;
      this.kept.length = 0;
      return;
    }
    this.kept.push(row);
  }
}
