// A stop that reaches the points running on worker threads, so they end as a run told to stop does
// (cleaning up what they had begun to write) instead of being cut off with their thread. Two parts, one
// for each moment a stop can come:
// - a flag in shared memory, which a thread reads as it takes a task: a task that starts after the stop
//   stops at once;
// - a BroadcastChannel message, which reaches a point already under way at its next turn of the event
//   loop (a run watching a signal gives one every few thousand events).
// The flag is set before the message is sent and a thread opens its channel before it reads the flag,
// so a point sees one or the other whenever the stop comes.

/** What travels with each task (structured-cloned: the flag's memory is shared, not copied). */
export interface StopLine {
  channel: string;
  flag: Int32Array;
}

let linesMade = 0;

/** The side that stops: one per pool of threads. */
export class StopSender {
  readonly line: StopLine;
  private readonly channel: BroadcastChannel;

  constructor() {
    linesMade++;
    this.line = {
      channel: `cachesim-stop-${process.pid}-${linesMade}`,
      flag: new Int32Array(new SharedArrayBuffer(4)),
    };
    this.channel = new BroadcastChannel(this.line.channel);
  }

  stop(): void {
    Atomics.store(this.line.flag, 0, 1);
    this.channel.postMessage("stop");
  }

  close(): void {
    this.channel.close();
  }
}

/** The side that is stopped, one per task: a signal that fires when the line's stop comes. */
export function listenForStop(line: StopLine): { signal: AbortSignal; close(): void } {
  const controller = new AbortController();
  const channel = new BroadcastChannel(line.channel);
  channel.onmessage = () => controller.abort("stopped");
  if (Atomics.load(line.flag, 0) !== 0) controller.abort("stopped");
  return { signal: controller.signal, close: () => channel.close() };
}
