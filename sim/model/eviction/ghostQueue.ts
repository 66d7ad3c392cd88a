// A ghost queue: keys (with their sizes) of entries recently evicted, without their values, oldest
// first. S3-FIFO and ARC keep them to recognise a key that comes back soon after leaving. A Map keeps
// insertion order, so its first key is the oldest.
export class GhostQueue {
  private readonly keys = new Map<string, number>();
  units = 0;

  get length(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds the key as the newest (it must not be present). */
  push(key: string, units: number): void {
    this.keys.set(key, units);
    this.units += units;
  }

  /** Removes the key if present; says whether it was. */
  remove(key: string): boolean {
    const units = this.keys.get(key);
    if (units === undefined) return false;
    this.keys.delete(key);
    this.units -= units;
    return true;
  }

  /**
   * The key as a request to a FIFO of `capacityUnits` (libCacheSim's ghost `get`): present, nothing
   * happens; larger than the whole FIFO, nothing either; else the oldest keys leave until it fits.
   */
  see(key: string, units: number, capacityUnits: number): void {
    if (capacityUnits === 0 || this.keys.has(key) || units > capacityUnits) return;
    while (this.units + units > capacityUnits) this.dropOldest();
    this.push(key, units);
  }

  /** Drops the oldest key. */
  dropOldest(): void {
    const oldest = this.keys.keys().next();
    if (!oldest.done) this.remove(oldest.value);
  }

  clear(): void {
    this.keys.clear();
    this.units = 0;
  }
}
