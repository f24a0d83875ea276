// The one queue every client's prompts wait in: round-robin between clients,
// first-in-first-out within a client, so a chatty phone cannot starve the kiosk.

export class FairQueue<T> {
  readonly #byClient = new Map<string, T[]>();
  /** Clients with waiting items; the first one has the next turn. */
  #ring: string[] = [];

  get size(): number {
    let n = 0;
    for (const items of this.#byClient.values()) n += items.length;
    return n;
  }

  push(clientId: string, item: T): void {
    const items = this.#byClient.get(clientId);
    if (items) {
      items.push(item);
      return;
    }
    this.#byClient.set(clientId, [item]);
    this.#ring.push(clientId);
  }

  /** Takes the next item in fair order. */
  shift(): T | undefined {
    const clientId = this.#ring.shift();
    if (clientId === undefined) return undefined;
    const items = this.#byClient.get(clientId) as T[];
    const item = items.shift();
    // Served clients go to the back of the line.
    if (items.length > 0) this.#ring.push(clientId);
    else this.#byClient.delete(clientId);
    return item;
  }

  /** Removes the first item matching the predicate and returns it. */
  remove(predicate: (item: T) => boolean): T | undefined {
    for (const [clientId, items] of this.#byClient) {
      const index = items.findIndex(predicate);
      if (index < 0) continue;
      const [item] = items.splice(index, 1);
      if (items.length === 0) {
        this.#byClient.delete(clientId);
        this.#ring = this.#ring.filter((c) => c !== clientId);
      }
      return item;
    }
    return undefined;
  }

  /** Every waiting item, in the order it will be served. */
  ordered(): T[] {
    const lanes = this.#ring.map((clientId) => [...(this.#byClient.get(clientId) ?? [])]);
    const out: T[] = [];
    for (let round = 0; out.length < this.size; round++) {
      for (const lane of lanes) {
        const item = lane[round];
        if (item !== undefined) out.push(item);
      }
    }
    return out;
  }

  /** Empties the queue, returning what was waiting in serving order. */
  drain(): T[] {
    const all = this.ordered();
    this.#byClient.clear();
    this.#ring = [];
    return all;
  }
}
