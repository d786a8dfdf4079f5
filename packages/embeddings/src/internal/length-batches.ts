/**
 * Groups item indices into batches of similar length so that padding stays small: items sorted by length
 * (stable), cut into batches of at most `batchSize` items whose padded size (`items x longest`) stays within
 * `tokenBudget` (a single item longer than the budget gets a batch of its own).
 */
export function lengthBatches(lengths: readonly number[], batchSize: number, tokenBudget: number): number[][] {
  const order = Array.from(lengths.keys()).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const index of order) {
    const longest = lengths[index]!;
    if (current.length > 0 && (current.length >= batchSize || (current.length + 1) * longest > tokenBudget)) {
      batches.push(current);
      current = [];
    }
    current.push(index);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
