// The truth about the system of record, kept beside it so every read can be judged: which version of
// each key is current, and when each version was superseded. A read is stale when the version it
// returned had already been superseded when the read began; its staleness age is how long before.
//
// Memory grows with the number of writes (one number per committed version), not with the number of
// requests; a scenario's writes are bounded by its request count and limits.

interface KeyHistory {
  /** commitUs[v - 1] is when version v was committed (version 0 is "never written", at time 0). */
  commitUs: number[];
}

export class Oracle {
  private readonly keys = new Map<string, KeyHistory>();

  /** Records the initial data: version 1 of each seeded key, committed before the run starts. */
  seed(key: string): void {
    this.keys.set(key, { commitUs: [0] });
  }

  /** Records a commit; versions must arrive in order, as the system of record assigns them. */
  commit(key: string, version: number, nowUs: number): void {
    let history = this.keys.get(key);
    if (history === undefined) {
      history = { commitUs: [] };
      this.keys.set(key, history);
    }
    if (version !== history.commitUs.length + 1) {
      throw new Error(`oracle: ${key} committed version ${version} after ${history.commitUs.length}`);
    }
    history.commitUs.push(nowUs);
  }

  currentVersion(key: string): number {
    return this.keys.get(key)?.commitUs.length ?? 0;
  }

  /** When `version` of key was replaced by a newer one, or undefined while it is current. */
  supersededAtUs(key: string, version: number): number | undefined {
    const commits = this.keys.get(key)?.commitUs;
    if (commits === undefined) return undefined;
    return commits[version];
  }
}
