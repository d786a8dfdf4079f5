export interface MicroBatcherOptions<I, O> {
  /** Runs one batch; must return one output per input, in order. */
  run: (items: I[]) => Promise<O[]>;
  /** Largest batch handed to `run`. */
  maxBatchSize: number;
  /** Longest time the first item of a batch waits for others before the batch runs (when `run` is idle). */
  maxWaitMs: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects concurrent `submit` calls into shared batches. A batch runs when it reaches `maxBatchSize` or when its
 * first item has waited `maxWaitMs`; one batch runs at a time, and items that arrive meanwhile form the next batch,
 * which runs as soon as the current one ends (under load the batches grow on their own).
 */
export class MicroBatcher<I, O> {
  readonly #options: MicroBatcherOptions<I, O>;
  #queue: Pending<I, O>[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  constructor(options: MicroBatcherOptions<I, O>) {
    this.#options = options;
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
    if (this.#running) return;
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
    if (this.#running || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#options.maxBatchSize);
    this.#running = true;
    void this.#runBatch(batch);
  }

  async #runBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      const outputs = await this.#options.run(batch.map((pending) => pending.item));
      if (outputs.length !== batch.length) throw new Error(`A batch of ${batch.length} gave ${outputs.length} results.`);
      batch.forEach((pending, index) => pending.resolve(outputs[index]!));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.#running = false;
      // Items that arrived while this batch ran have waited already: run them now.
      if (this.#queue.length > 0) this.#flush();
    }
  }
}
