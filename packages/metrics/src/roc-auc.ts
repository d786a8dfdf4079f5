import { assertFiniteValues, assertSameLength, type NumericArray } from "./internal/validate.ts";

/**
 * Area under the ROC curve of `scores` for the positives in `labels` (1 / true = the strong model was needed),
 * by the rank formula (Mann-Whitney U): `(sum of the positives' ranks - P (P + 1) / 2) / (P N)`, tied scores sharing
 * their average rank, which counts each tied positive/negative pair as one half (the same value as scikit-learn's
 * `roc_auc_score`). NaN when all labels are of one class (the area is undefined).
 */
export function rocAuc(options: { scores: NumericArray; labels: ArrayLike<number | boolean> }): number {
  const { scores, labels } = options;
  assertFiniteValues(scores, "scores");
  assertSameLength({ scores, labels: labels as ArrayLike<number> });
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1; // 1-based ranks start+1..end+1
    for (let k = start; k <= end; k++) {
      if (labels[order[k]!]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
