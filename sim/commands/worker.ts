// `cachesim worker --queue redis://host:port/db`: runs sweep points from the queue until stopped.
import type { CommandModule } from "yargs";
import { parseDuration } from "../spec/duration.ts";

interface WorkerArgs {
  queue: string;
  "queue-name"?: string;
  "idle-exit"?: string;
  "stall-timeout": string;
  "give-up-after": string;
  quiet: boolean;
}

/** After the worker has stopped, how long the process may take to wind down by itself. */
const EXIT_GRACE_MS = 500;

function durationMs(option: string, text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok || parsed.us < 1_000) {
    throw new Error(
      `--${option} takes a duration of at least 1ms such as 30s, found ${JSON.stringify(text)}`,
    );
  }
  return Math.floor(parsed.us / 1_000);
}

export function workerCommand(setExitCode: (code: number) => void): CommandModule<object, WorkerArgs> {
  return {
    command: "worker",
    describe: "run sweep points from a queue (cachesim sweep --queue) until stopped",
    builder: (y) =>
      y
        .option("queue", {
          type: "string",
          demandOption: true,
          describe: "the queue's Redis: redis://host:port/db (a database of its own, noeviction)",
        })
        .option("queue-name", { type: "string", describe: "queue name (default cachesim-sweep)" })
        .option("idle-exit", { type: "string", describe: "stop after this long without work, e.g. 30s" })
        .option("stall-timeout", {
          type: "string",
          default: "30s",
          describe: "a dead worker's point goes to another after about this long",
        })
        .option("give-up-after", {
          type: "string",
          default: "60s",
          describe: "stop with an error when the queue's Redis has been unreachable this long",
        })
        .option("quiet", { type: "boolean", default: false, describe: "print only problems" }) as never,
    handler: async (args) => {
      let idleExitMs: number | undefined;
      let stallTimeoutMs: number;
      let giveUpAfterMs: number;
      try {
        idleExitMs = args["idle-exit"] === undefined ? undefined : durationMs("idle-exit", args["idle-exit"]);
        stallTimeoutMs = durationMs("stall-timeout", args["stall-timeout"]);
        giveUpAfterMs = durationMs("give-up-after", args["give-up-after"]);
      } catch (error) {
        console.error(`cachesim worker: ${(error as Error).message}`);
        setExitCode(2);
        return;
      }
      const { runWorker } = await import("../sweep/queue/queueWorker.ts");
      const { QueueError } = await import("../sweep/queue/connection.ts");
      try {
        const ran = await runWorker({
          url: args.queue,
          ...(args["queue-name"] !== undefined ? { queueName: args["queue-name"] } : {}),
          ...(idleExitMs !== undefined ? { idleExitMs } : {}),
          stallTimeoutMs,
          giveUpAfterMs,
          log: (line) => {
            if (!args.quiet || line.startsWith("failed") || line.startsWith("queue error"))
              console.log(`worker: ${line}`);
          },
        });
        if (!args.quiet) console.log(`worker: stopped after ${ran} point(s)`);
        setExitCode(0);
      } catch (error) {
        if (!(error instanceof QueueError)) throw error;
        console.error(`cachesim worker: ${error.message}`);
        setExitCode(1);
      }
      // A connection still retrying a server that is gone would keep the process alive: the worker has
      // stopped, so the process ends now at the latest.
      setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
    },
  };
}
