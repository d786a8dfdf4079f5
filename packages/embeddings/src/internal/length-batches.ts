/** How `lengthBatches` cuts items into model calls. */
export interface LengthBatchOptions {
  /** Most items in one call. */
  batchSize: number;
  /** Most padded tokens (`items x longest`) in one call; a single item longer than this gets a call of its own. */
  tokenBudget: number;
  /**
   * What one model call costs beyond its padded tokens, in tokens: the cuts minimize
   * `calls x callOverhead + padded tokens` (USE-lite's measured value is in use-lite-embedder.ts). A very large value
   * gives the fewest calls, then the least padding.
   */
  callOverhead: number;
}

/**
 * Groups item indices into model calls of similar length so that padding stays small: items sorted by length
 * (stable), cut into runs of at most `batchSize` items whose padded size (`items x longest`) stays within
 * `tokenBudget`, at the cuts that minimize `calls x callOverhead + padded tokens` (exactly, by dynamic programming
 * over the sorted order, where an optimal grouping's groups are runs). Ties go to fewer calls, so a group of an
 * optimal grouping, cut again alone, stays one call: any split of it costs at least as much and takes more calls (the
 * embedding cache's recompute in the original batch composition relies on it).
 */
export function lengthBatches(lengths: readonly number[], options: LengthBatchOptions): number[][] {
  const { batchSize, tokenBudget, callOverhead } = options;
  const order = Array.from(lengths.keys()).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const count = order.length;
  // best[end]: the least cost of the first `end` sorted items; calls[end] its number of calls; start[end] where its
  // last call begins.
  const best = new Float64Array(count + 1).fill(Number.POSITIVE_INFINITY);
  const calls = new Int32Array(count + 1);
  const start = new Int32Array(count + 1);
  best[0] = 0;
  for (let end = 1; end <= count; end++) {
    // Sorted ascending, so the last item of a run is its longest.
    const longest = lengths[order[end - 1]!]!;
    for (let begin = end - 1; begin >= 0 && end - begin <= batchSize; begin--) {
      const rows = end - begin;
      if (rows > 1 && rows * longest > tokenBudget) break;
      const cost = best[begin]! + callOverhead + rows * longest;
      const callCount = calls[begin]! + 1;
      if (cost < best[end]! || (cost === best[end]! && callCount < calls[end]!)) {
        best[end] = cost;
        calls[end] = callCount;
        start[end] = begin;
      }
    }
  }
  const batches: number[][] = [];
  for (let end = count; end > 0; end = start[end]!) batches.push(order.slice(start[end]!, end));
  return batches.reverse();
}
