export interface MicroBatcherOptions<I, O> {
  /** Runs one batch; must return one output per input, in order. */
  run: (items: I[]) => Promise<O[]>;
  /** Largest batch handed to `run`. */
  maxBatchSize: number;
  /** Longest time the first item of a batch waits for others before the batch runs (when `run` is idle). */
  maxWaitMs: number;
  /** Batches that run at once (the embedder's `concurrency`). @default 1 */
  maxConcurrentBatches?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects concurrent `submit` calls into shared batches. A batch runs when it reaches `maxBatchSize` or when its
 * first item has waited `maxWaitMs`; up to `maxConcurrentBatches` batches run at a time (the waiting items shared
 * evenly among the free ones), and items that arrive while all of them run form the next batch, which runs as soon as
 * one ends (under load the batches grow on their own). A failing item is isolated
 * (see `#settle`): the other items of its batch still get their outputs.
 */
export class MicroBatcher<I, O> {
  readonly #options: MicroBatcherOptions<I, O>;
  #queue: Pending<I, O>[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = 0;
  readonly #maxRunning: number;

  constructor(options: MicroBatcherOptions<I, O>) {
    this.#options = options;
    this.#maxRunning = Math.max(1, options.maxConcurrentBatches ?? 1);
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Items waiting for a batch. */
  get pending(): number {
    return this.#queue.length;
  }

  #schedule(): void {
    if (this.#running >= this.#maxRunning) return;
    if (this.#queue.length >= this.#options.maxBatchSize || this.#options.maxWaitMs <= 0) {
      this.#flush();
      return;
    }
    this.#timer ??= setTimeout(() => this.#flush(), this.#options.maxWaitMs);
  }

  #flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    // The waiting items are shared evenly among the free slots: all of them landing in one batch while another slot
    // idles would make that batch's items wait for one long run (at a load run's start, 32 requests at once).
    while (this.#running < this.#maxRunning && this.#queue.length > 0) {
      const size = Math.min(this.#options.maxBatchSize, Math.ceil(this.#queue.length / (this.#maxRunning - this.#running)));
      const batch = this.#queue.splice(0, size);
      this.#running++;
      void this.#runBatch(batch);
    }
  }

  async #runBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      await this.#settle(batch);
    } finally {
      this.#running--;
      // Items that arrived while this batch ran have waited already: run them now.
      if (this.#queue.length > 0) this.#flush();
    }
  }

  /**
   * Runs `batch` and hands each caller its output. When the run fails, the batch is split in halves and each half is
   * run again, down to single items, so that only the items that fail on their own are rejected (one bad prompt does
   * not send the other 63 of its batch to the fail-safe). A clean half runs whole: one bad item costs about
   * 2 log2(n) extra runs, a failure of every item 2n - 1.
   */
  async #settle(batch: Pending<I, O>[]): Promise<void> {
    let outputs: O[];
    try {
      outputs = await this.#options.run(batch.map((pending) => pending.item));
      if (outputs.length !== batch.length) throw new Error(`A batch of ${batch.length} gave ${outputs.length} results.`);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      const middle = Math.ceil(batch.length / 2);
      await this.#settle(batch.slice(0, middle));
      await this.#settle(batch.slice(middle));
      return;
    }
    batch.forEach((pending, index) => pending.resolve(outputs[index]!));
  }
}
