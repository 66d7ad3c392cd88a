// What the tiers tell a listener about the messages of a run, for drawing the run as a sequence
// diagram: each request and each answer, from one lane (a node, a global-cache shard, the database,
// the message broker) to another, with its virtual send and arrival times. Nothing listens in an
// ordinary run (the tiers then skip every call); a listener only observes and never draws a number.

/** A lane of the diagram: `node:<name>`, `shard:<name>`, `database` or `broker`. */
export type Lane = string;

export const nodeLane = (name: string): Lane => `node:${name}`;
export const shardLane = (name: string): Lane => `shard:${name}`;
export const DATABASE_LANE: Lane = "database";
export const BROKER_LANE: Lane = "broker";

export interface MessageTap {
  /**
   * A message of operation opId (-1: background work) from one lane to another, sent at sentUs.
   * arrivedUs is null when it never arrived (lost on its link, or its peer was down). `what` names it
   * (`GET User:1`, `hit John v1`); `note` says more, for the diagram's hover text (may be empty).
   */
  message(
    opId: number,
    from: Lane,
    to: Lane,
    what: string,
    sentUs: number,
    arrivedUs: number | null,
    note: string,
  ): void;
}
