// SIGINT (Ctrl-C) and SIGTERM during a run: the run stops at once and cleans up after itself (no partial
// report folder; live backends close, which removes the run's keys and table), then the process exits
// with the shell's code for the signal. A second signal exits at once; the next run into the same
// parent folder removes what that left behind.
import { RunAborted } from "../core/scheduler.ts";

/** 128 + the signal's number, what a shell reports for a process stopped by it. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

const STOP_SIGNALS = Object.keys(SIGNAL_EXIT_CODES) as StopSignal[];

/** Runs fn with an AbortSignal that SIGINT or SIGTERM fires while fn runs. */
export async function withStopSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = STOP_SIGNALS.map((name) => {
    const handler = () => {
      if (controller.signal.aborted) process.exit(SIGNAL_EXIT_CODES[name]);
      process.stderr.write(
        `\ncachesim: ${name} received, stopping and cleaning up (send it again to quit at once)\n`,
      );
      controller.abort(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    return await fn(controller.signal);
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}

/** The exit code and one line for a run stopped by a signal, or undefined for any other error. */
export function stoppedRun(error: unknown): { exitCode: number; message: string } | undefined {
  if (!(error instanceof RunAborted)) return undefined;
  const name = STOP_SIGNALS.find((s) => s === error.reason);
  return {
    exitCode: name === undefined ? 1 : SIGNAL_EXIT_CODES[name],
    message: `cachesim: stopped by ${String(error.reason)} at virtual time ${error.atUs}us; no report was written`,
  };
}
