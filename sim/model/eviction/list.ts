// An intrusive doubly linked list over CacheNode's prev/next fields: head = newest, tail = oldest, as in
// libCacheSim's queue helpers (prepend to head, remove, move to head). A node is in at most one list.
import type { CacheNode } from "./policy.ts";

export class NodeList {
  head: CacheNode | null = null;
  tail: CacheNode | null = null;
  length = 0;
  /** Sum of the members' units. */
  units = 0;

  prepend(node: CacheNode): void {
    node.prev = null;
    node.next = this.head;
    if (this.head !== null) this.head.prev = node;
    else this.tail = node;
    this.head = node;
    this.length++;
    this.units += node.units;
  }

  remove(node: CacheNode): void {
    if (node.prev !== null) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next !== null) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = null;
    node.next = null;
    this.length--;
    this.units -= node.units;
  }

  moveToHead(node: CacheNode): void {
    if (this.head === node) return;
    // Unlink in place (the node stays a member, so the counts do not change).
    (node.prev as CacheNode).next = node.next;
    if (node.next !== null) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = null;
    node.next = this.head;
    (this.head as CacheNode).prev = node;
    this.head = node;
  }

  clear(): void {
    this.head = null;
    this.tail = null;
    this.length = 0;
    this.units = 0;
  }

  /** Keys from head to tail (for tests and debugging). */
  keys(): string[] {
    const keys: string[] = [];
    for (let n = this.head; n !== null; n = n.next) keys.push(n.key);
    return keys;
  }
}
