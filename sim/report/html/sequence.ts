// The sequence (Lamport) diagram of a run, as one self-contained SVG: a lane per node, per global-cache
// shard, for the message broker and for the database; time runs down. Every request and answer of
// sequence.csv is an arrow from its send to its arrival; every operation of trace.csv is a bar on its
// node's lane from its start to its answer; stale reads, refused or voided fills, lost messages, timeouts
// and faults are marked in colour, each explained on hover (an SVG <title>). Long idle stretches are
// shortened and marked as such, so a run of a few bursts stays readable; the same data gives the same
// bytes.
import { BROKER_LANE, DATABASE_LANE } from "../../model/messageTap.ts";
import type { Table } from "./reportData.ts";

export interface SequenceInput {
  /** Node names, in scenario order (summary.csv without its total). */
  nodes: readonly string[];
  trace: Table;
  sequence: Table;
  faults: Table | null;
  title: string;
}

const LANE_GAP = 150;
const LEFT = 78;
const TOP = 78;
const BOTTOM = 28;
/** Pixels between two instants at least (labels must not overlap), and at most (idle time is cut). */
const GAP_MIN = 24;
const GAP_MAX = 110;
/** Height of one zero-latency message drawn at an instant (a run with no network latency). */
const SUBSTEP = 14;
const LABEL_CHARS_MAX = 30;

const COLORS = {
  cache: "#1f6fb4",
  database: "#2a8a3e",
  broker: "#7b4bb0",
  refused: "#d9730d",
  lost: "#c62828",
  stale: "#c62828",
  fault: "#f6d6d6",
  mark: "#d9730d",
  lane: "#9aa4ae",
  text: "#222",
  muted: "#5b6570",
};

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const clip = (text: string) =>
  text.length > LABEL_CHARS_MAX ? `${text.slice(0, LABEL_CHARS_MAX - 1)}…` : text;

/** µs as people read them: 500 µs, 6 ms, 6.5 ms, 1.25 s. */
export function formatUs(us: number): string {
  if (us !== 0 && Math.abs(us) < 1000) return `${us} µs`;
  if (Math.abs(us) < 1_000_000) return `${round(us / 1000)} ms`;
  return `${round(us / 1_000_000)} s`;
}

const round = (n: number) => String(Math.round(n * 1000) / 1000);
const px = (n: number) => String(Math.round(n * 10) / 10);

function laneName(lane: string): string {
  if (lane.startsWith("node:")) return lane.slice(5);
  if (lane.startsWith("shard:")) return `shard ${lane.slice(6)}`;
  return lane;
}

interface Message {
  op: number;
  from: string;
  to: string;
  what: string;
  sentUs: number;
  arrivedUs: number | null;
  note: string;
  /** Row order in sequence.csv: a tie-break for messages at one instant. */
  order: number;
}

interface Mark {
  lane: string;
  what: string;
  atUs: number;
  note: string;
}

/** Maps virtual time to y: every instant that matters gets a row, idle stretches are shortened. */
class TimeAxis {
  private readonly times: number[];
  private readonly ys: number[];
  /** Extra height at an instant for zero-latency messages drawn there. */
  private readonly zeroAt = new Map<number, number>();
  readonly breaks: Array<{ y: number; skippedUs: number }> = [];
  readonly height: number;

  constructor(instants: Iterable<number>, zeroLatency: Map<number, number>) {
    this.times = [...new Set(instants)].sort((a, b) => a - b);
    const gaps = this.times.slice(1).map((t, i) => t - (this.times[i] as number));
    const smallest = Math.min(...gaps.filter((g) => g > 0), Number.POSITIVE_INFINITY);
    // The shortest gap gets GAP_MIN; the scale then holds for every gap up to GAP_MAX.
    const pxPerUs = Number.isFinite(smallest) ? GAP_MIN / smallest : 0;
    this.ys = [];
    let y = TOP;
    for (const [i, t] of this.times.entries()) {
      if (i > 0) {
        const gapUs = t - (this.times[i - 1] as number);
        const wanted = gapUs * pxPerUs;
        if (wanted > GAP_MAX) this.breaks.push({ y: y + GAP_MAX / 2, skippedUs: gapUs });
        y += Math.max(GAP_MIN, Math.min(GAP_MAX, wanted));
      }
      this.ys.push(y);
      const zero = zeroLatency.get(t) ?? 0;
      this.zeroAt.set(t, zero);
      y += zero * SUBSTEP;
    }
    this.height = y + BOTTOM;
  }

  get instants(): readonly number[] {
    return this.times;
  }

  /** y of an instant on the axis (interpolated between the neighbouring instants otherwise). */
  y(t: number): number {
    const times = this.times;
    let lo = 0;
    let hi = times.length - 1;
    if (times.length === 0) return TOP;
    if (t <= (times[0] as number)) return this.ys[0] as number;
    if (t >= (times[hi] as number)) return this.ys[hi] as number;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] as number) <= t) lo = mid;
      else hi = mid;
    }
    const t0 = times[lo] as number;
    if (t === t0) return this.ys[lo] as number;
    const y0 = (this.ys[lo] as number) + (this.zeroAt.get(t0) ?? 0) * SUBSTEP;
    const y1 = this.ys[hi] as number;
    return y0 + ((y1 - y0) * (t - t0)) / ((times[hi] as number) - t0);
  }
}

function colorOf(m: Message): string {
  if (m.arrivedUs === null) return COLORS.lost;
  if (m.what === "refused" || m.what.startsWith("lease held")) return COLORS.refused;
  const peer = m.from.startsWith("node:") ? m.to : m.from;
  if (peer === DATABASE_LANE) return COLORS.database;
  if (peer === BROKER_LANE) return COLORS.broker;
  return COLORS.cache;
}

const MARKER_IDS = new Map(Object.entries(COLORS).map(([name, color]) => [color, `seq-arrow-${name}`]));

export interface SequenceDiagram {
  svg: string;
  /** How many stale reads are marked (the page says so beside the diagram). */
  staleReads: number;
  messages: number;
}

export function sequenceDiagram(input: SequenceInput): SequenceDiagram {
  const messages: Message[] = [];
  const marks: Mark[] = [];
  for (const [order, r] of input.sequence.rows.entries()) {
    if (r.kind === "mark") {
      marks.push({ lane: r.from ?? "", what: r.what ?? "", atUs: Number(r.sent_us), note: r.note ?? "" });
    } else {
      messages.push({
        op: Number(r.op),
        from: r.from ?? "",
        to: r.to ?? "",
        what: r.what ?? "",
        sentUs: Number(r.sent_us),
        arrivedUs: r.arrived_us === "" || r.arrived_us === undefined ? null : Number(r.arrived_us),
        note: r.note ?? "",
        order,
      });
    }
  }

  // Lanes: nodes in scenario order, then the broker, the shards as first met, the database.
  const lanes: string[] = input.nodes.map((n) => `node:${n}`);
  const others = new Set<string>();
  for (const m of messages) for (const lane of [m.from, m.to]) if (!lanes.includes(lane)) others.add(lane);
  if (others.has(BROKER_LANE)) lanes.push(BROKER_LANE);
  lanes.push(...[...others].filter((l) => l.startsWith("shard:")));
  if (others.has(DATABASE_LANE) || lanes.length === input.nodes.length) lanes.push(DATABASE_LANE);
  for (const l of others) if (!lanes.includes(l)) lanes.push(l);
  const x = (lane: string) => LEFT + LANE_GAP / 2 + Math.max(0, lanes.indexOf(lane)) * LANE_GAP;
  const width = LEFT + lanes.length * LANE_GAP + 10;

  const ops = input.trace.rows.map((r, i) => ({
    index: i,
    startUs: Number(r.time_us),
    endUs: Number(r.time_us) + Number(r.latency_us || 0),
    row: r,
  }));
  const faults = (input.faults?.rows ?? []).filter((r) => r.fault !== "run" && r.node === "total");

  const instants: number[] = [];
  const zeroLatency = new Map<number, number>();
  for (const m of messages) {
    instants.push(m.sentUs);
    if (m.arrivedUs !== null) instants.push(m.arrivedUs);
    if (m.arrivedUs === m.sentUs) zeroLatency.set(m.sentUs, (zeroLatency.get(m.sentUs) ?? 0) + 1);
  }
  for (const o of ops) instants.push(o.startUs, o.endUs);
  for (const mark of marks) instants.push(mark.atUs);
  const lastUs = instants.length > 0 ? Math.max(...instants) : 0;
  for (const f of faults) instants.push(Number(f.start_us), Math.min(Number(f.end_us), lastUs));
  const axis = new TimeAxis(instants, zeroLatency);
  const height = axis.height;
  /** Zero-latency messages drawn so far at each instant. */
  const zeroDrawn = new Map<number, number>();

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="sequence" width="${width}" height="${px(height)}" viewBox="0 0 ${width} ${px(height)}" font-family="Helvetica, Arial, sans-serif" font-size="11" role="img" aria-label="${escapeXml(input.title)}">`,
    `<title>${escapeXml(input.title)}</title>`,
    "<defs>",
    ...[...MARKER_IDS].map(
      ([color, id]) =>
        `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${color}"/></marker>`,
    ),
    "</defs>",
    `<rect width="${width}" height="${px(height)}" fill="white"/>`,
    `<text x="8" y="18" font-size="13" font-weight="bold" fill="${COLORS.text}">${escapeXml(input.title)}</text>`,
  );

  // Faults: a band over the time they were on, the whole width.
  for (const f of faults) {
    const y0 = axis.y(Number(f.start_us));
    const y1 = axis.y(Math.min(Number(f.end_us), lastUs));
    const text = `fault ${f.fault}: ${f.kind} of ${f.target} from ${formatUs(Number(f.start_us))} to ${formatUs(Number(f.end_us))}; ${f.stale_reads} stale of ${f.reads} reads while it lasted`;
    out.push(
      `<g class="fault" data-mark="fault"><title>${escapeXml(text)}</title><rect x="${LEFT}" y="${px(y0)}" width="${width - LEFT - 10}" height="${px(Math.max(4, y1 - y0))}" fill="${COLORS.fault}" opacity="0.6"/><text x="${width - 14}" y="${px(y0 + 12)}" text-anchor="end" fill="${COLORS.lost}">${escapeXml(clip(`${f.kind} ${f.target}`))}</text></g>`,
    );
  }

  // Idle stretches that were shortened.
  for (const b of axis.breaks) {
    out.push(
      `<g class="gap"><title>${escapeXml(`${formatUs(b.skippedUs)} with nothing happening, drawn shorter`)}</title><line x1="${LEFT - 60}" x2="${width - 10}" y1="${px(b.y)}" y2="${px(b.y)}" stroke="#c8ced4" stroke-dasharray="2 4"/><text x="${LEFT - 64}" y="${px(b.y + 4)}" fill="${COLORS.muted}" font-size="10">⋯ ${escapeXml(formatUs(b.skippedUs))}</text></g>`,
    );
  }

  // Lanes and their names.
  for (const lane of lanes) {
    const lx = x(lane);
    out.push(
      `<g class="lane"><line x1="${lx}" x2="${lx}" y1="${TOP - 12}" y2="${px(height - 8)}" stroke="${COLORS.lane}" stroke-dasharray="${lane.startsWith("node:") ? "none" : "4 3"}"/><text x="${lx}" y="${TOP - 30}" text-anchor="middle" font-weight="bold" font-size="12" fill="${COLORS.text}">${escapeXml(clip(laneName(lane)))}</text></g>`,
    );
  }

  // The time axis: a label at each instant, where there is room.
  let lastLabelY = Number.NEGATIVE_INFINITY;
  out.push(
    `<text x="8" y="${TOP - 30}" font-size="10" fill="${COLORS.muted}">virtual time</text><g class="axis">`,
  );
  for (const t of axis.instants) {
    const y = axis.y(t);
    if (y - lastLabelY < 13) continue;
    lastLabelY = y;
    out.push(
      `<text x="${LEFT - 6}" y="${px(y + 3.5)}" text-anchor="end" font-size="10" fill="${COLORS.muted}">${escapeXml(formatUs(t))}</text><line x1="${LEFT - 3}" x2="${LEFT}" y1="${px(y)}" y2="${px(y)}" stroke="${COLORS.lane}"/>`,
    );
  }
  out.push("</g>");

  // Operations: a bar on the node's lane from start to answer, explained on hover.
  let staleReads = 0;
  for (const o of ops) {
    const r = o.row;
    const lane = `node:${r.node}`;
    const lx = x(lane);
    const y0 = axis.y(o.startUs);
    const y1 = axis.y(o.endUs);
    const stale = r.stale === "true";
    const what =
      r.op === "flush"
        ? `${r.node} empties its own cache`
        : r.op === "write"
          ? `${r.node} writes ${r.key} = ${r.value} (v${r.version})`
          : `${r.node} reads ${r.key}: ${r.value || "(absent)"} (v${r.version}) from ${r.served_from === "local" ? "its own cache" : r.served_from === "global" ? `the global cache${r.shard ? ` (${r.shard})` : ""}` : r.served_from}`;
    const when = `began at ${formatUs(o.startUs)}, ${r.op === "write" ? "acknowledged" : "answered"} after ${formatUs(o.endUs - o.startUs)}`;
    const staleText = stale
      ? `. STALE: the value had been superseded ${formatUs(Number(r.staleness_age_us))} before the read began`
      : "";
    const title = `op ${o.index}: ${what}; ${when}${staleText}`;
    out.push(
      `<g class="op" data-op="${o.index}"${stale ? ' data-mark="stale"' : ""}><title>${escapeXml(title)}</title><rect x="${lx - 4}" y="${px(y0 - 2)}" width="8" height="${px(Math.max(4, y1 - y0 + 4))}" rx="2" fill="${stale ? COLORS.stale : r.op === "write" ? "#f2c14e" : "#dfe6ee"}" stroke="${stale ? COLORS.stale : "#7b8794"}"/>`,
    );
    // What the operation is, to the left of the bar's top: readable without hovering.
    const label =
      r.op === "flush" ? "flush" : r.op === "write" ? `write ${r.value}` : `read → ${r.value || "(absent)"}`;
    out.push(
      `<text x="${lx - 8}" y="${px(y0 + 3.5)}" text-anchor="end" font-size="10" fill="${stale ? COLORS.stale : COLORS.text}"${stale ? ' font-weight="bold"' : ""}>${escapeXml(clip(label))}</text>`,
    );
    if (stale) {
      staleReads++;
      out.push(
        `<text x="${lx + 8}" y="${px(y1 + 16)}" font-size="10" font-weight="bold" fill="${COLORS.stale}">stale (${escapeXml(formatUs(Number(r.staleness_age_us)))} old)</text>`,
      );
    }
    out.push("</g>");
  }

  // Messages: an arrow from send to arrival; a lost one ends in a cross halfway.
  for (const m of messages) {
    const color = colorOf(m);
    const x1 = x(m.from);
    const x2 = x(m.to);
    let y1 = axis.y(m.sentUs);
    let y2 = m.arrivedUs === null ? y1 + GAP_MIN : axis.y(m.arrivedUs);
    if (m.arrivedUs === m.sentUs) {
      const k = zeroDrawn.get(m.sentUs) ?? 0;
      zeroDrawn.set(m.sentUs, k + 1);
      y1 += (k + 0.5) * SUBSTEP;
      y2 = y1;
    }
    const dir = x2 >= x1 ? 1 : -1;
    const xs = x1 + dir * 5;
    const xe = m.arrivedUs === null ? x1 + (x2 - x1) * 0.55 : x2 - dir * 5;
    const ye = m.arrivedUs === null ? y2 : y2;
    const who = m.op < 0 ? "background work" : `op ${m.op}`;
    const arrival =
      m.arrivedUs === null
        ? "never arrived"
        : `arrived ${formatUs(m.arrivedUs)} (after ${formatUs(m.arrivedUs - m.sentUs)})`;
    const title = `${who}: ${laneName(m.from)} → ${laneName(m.to)}: ${m.what}; sent ${formatUs(m.sentUs)}, ${arrival}${m.note ? `. ${m.note}` : ""}`;
    const flagged = m.arrivedUs === null ? "lost" : color === COLORS.refused ? "refused" : "";
    out.push(
      `<g class="msg" data-op="${m.op}"${flagged ? ` data-mark="${flagged}"` : ""}><title>${escapeXml(title)}</title>`,
      `<line x1="${px(xs)}" y1="${px(y1)}" x2="${px(xe)}" y2="${px(ye)}" stroke="${color}" stroke-width="${flagged ? 2 : 1.3}"${m.arrivedUs === null ? ' stroke-dasharray="4 3"' : ` marker-end="url(#${MARKER_IDS.get(color)})"`}/>`,
    );
    if (m.arrivedUs === null) {
      out.push(
        `<path d="M${px(xe - 4)},${px(ye - 4)}L${px(xe + 4)},${px(ye + 4)}M${px(xe - 4)},${px(ye + 4)}L${px(xe + 4)},${px(ye - 4)}" stroke="${COLORS.lost}" stroke-width="2"/>`,
      );
    }
    // The label sits on the arrow, a little above its middle, on a white backing so crossings stay legible.
    const lxm = (xs + xe) / 2;
    const lym = (y1 + ye) / 2 - 3;
    const text = clip(m.arrivedUs === null ? `${m.what} ✕ lost` : m.what);
    out.push(
      `<text x="${px(lxm)}" y="${px(lym)}" text-anchor="middle" font-size="10" fill="${color}" stroke="white" stroke-width="3" paint-order="stroke">${escapeXml(text)}</text></g>`,
    );
  }

  // Marks: what went wrong or was refused, where and when.
  for (const mark of marks) {
    const mx = x(mark.lane);
    const my = axis.y(mark.atUs);
    out.push(
      `<g class="mark" data-mark="${escapeXml(mark.what.split(" ")[0] ?? "")}"><title>${escapeXml(`${laneName(mark.lane)} at ${formatUs(mark.atUs)}: ${mark.what}: ${mark.note}`)}</title><path d="M${px(mx)},${px(my - 7)}L${px(mx + 7)},${px(my)}L${px(mx)},${px(my + 7)}L${px(mx - 7)},${px(my)}z" fill="${COLORS.mark}" stroke="white"/><text x="${px(mx + 10)}" y="${px(my + 12)}" font-size="10" font-weight="bold" fill="${COLORS.mark}">${escapeXml(clip(mark.what.replaceAll("_", " ")))}</text></g>`,
    );
  }

  out.push("</svg>");
  return { svg: out.join("\n"), staleReads, messages: messages.length };
}
