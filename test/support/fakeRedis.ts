// Test support: a loopback server that speaks just enough of the Redis protocol (RESP) for ioredis to
// connect, standalone or as a one-node Cluster, and then answers data commands until told to go silent:
// the "accepts, answers the handshake, then stops answering mid-run" server that real Redis cannot be
// made into without disturbing whoever else uses it.
import type net from "node:net";
import { listenOnLoopback } from "./loopback.ts";

export interface FakeRedisOptions {
  /** Answer as a Cluster node owning every slot (CLUSTER SLOTS names this server). */
  cluster?: boolean;
  /** Data commands (GET, SET, DEL, EVALSHA, PUBLISH, …) answered before the server goes silent. */
  answerDataCommands?: number;
}

export interface FakeRedis {
  port: number;
  /** Data commands received so far, answered or not. */
  readonly dataCommands: number;
  /** Stops answering anything from now on; connections stay open. */
  goSilent(): void;
  stop(): Promise<void>;
}

const HANDSHAKE = new Set([
  "client",
  "info",
  "cluster",
  "script",
  "select",
  "auth",
  "hello",
  "readonly",
  "quit",
]);

const bulk = (text: string) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;

/** Splits complete RESP arrays of bulk strings off the front of `buffer`. */
function parseCommands(buffer: string): { commands: string[][]; rest: string } {
  const commands: string[][] = [];
  let at = 0;
  for (;;) {
    const start = at;
    if (buffer[at] !== "*") break;
    const headerEnd = buffer.indexOf("\r\n", at);
    if (headerEnd < 0) break;
    const count = Number(buffer.slice(at + 1, headerEnd));
    at = headerEnd + 2;
    const args: string[] = [];
    let complete = true;
    for (let i = 0; i < count; i++) {
      const lengthEnd = buffer.indexOf("\r\n", at);
      if (buffer[at] !== "$" || lengthEnd < 0) {
        complete = false;
        break;
      }
      const length = Number(buffer.slice(at + 1, lengthEnd));
      const valueStart = lengthEnd + 2;
      if (buffer.length < valueStart + length + 2) {
        complete = false;
        break;
      }
      args.push(buffer.slice(valueStart, valueStart + length));
      at = valueStart + length + 2;
    }
    if (!complete) {
      at = start;
      break;
    }
    commands.push(args);
  }
  return { commands, rest: buffer.slice(at) };
}

export async function fakeRedis(options: FakeRedisOptions = {}): Promise<FakeRedis> {
  let silent = false;
  let dataCommands = 0;
  const limit = options.answerDataCommands ?? Number.POSITIVE_INFINITY;
  const data = new Map<string, string>();
  let port = 0;

  const answer = (args: string[]): string => {
    const name = (args[0] ?? "").toLowerCase();
    const sub = (args[1] ?? "").toLowerCase();
    switch (name) {
      case "info":
        return bulk(
          `# Server\r\nredis_version:7.0.0\r\n# Cluster\r\ncluster_enabled:${options.cluster ? 1 : 0}\r\n`,
        );
      case "cluster":
        if (sub === "slots")
          return `*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n${bulk("127.0.0.1")}:${port}\r\n${bulk("fake")}`;
        return bulk("cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:1\r\n");
      case "script":
        return bulk("0".repeat(40));
      case "get":
        return data.has(args[1] ?? "") ? bulk(data.get(args[1] ?? "") as string) : "$-1\r\n";
      case "set":
        data.set(args[1] ?? "", args[2] ?? "");
        return "+OK\r\n";
      case "del":
        return `:${args.slice(1).filter((key) => data.delete(key)).length}\r\n`;
      case "evalsha":
      case "publish":
        return ":1\r\n";
      case "subscribe":
        return `*3\r\n${bulk("subscribe")}${bulk(args[1] ?? "")}:1\r\n`;
      default:
        return "+OK\r\n";
    }
  };

  const handler = (socket: net.Socket) => {
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      const { commands, rest } = parseCommands(buffer);
      buffer = rest;
      for (const args of commands) {
        const isData = !HANDSHAKE.has((args[0] ?? "").toLowerCase());
        if (isData) dataCommands++;
        if (silent || (isData && dataCommands > limit)) {
          silent = true;
          continue;
        }
        socket.write(answer(args));
      }
    });
  };

  const server = await listenOnLoopback(handler);
  port = server.port;
  return {
    port,
    get dataCommands() {
      return dataCommands;
    },
    goSilent: () => {
      silent = true;
    },
    stop: server.stop,
  };
}
