import { MufflerError } from "@muffler/core";
import { METRICS_ERROR_CODES } from "../errors.ts";

/** Any array of numbers the metrics accept: plain arrays and typed arrays alike. */
export type NumericArray = ArrayLike<number>;

/** Throws `metrics/empty-input` when `values` is empty and `metrics/not-finite` on the first NaN or infinity. */
export function assertFiniteValues(values: NumericArray, field: string): void {
  if (values.length === 0) {
    throw new MufflerError(`"${field}" is empty; at least one value is needed.`, {
      code: METRICS_ERROR_CODES.emptyInput,
      field,
      hint: "Pass one value per prompt.",
    });
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) {
      throw new MufflerError(`"${field}" holds ${String(value)} at index ${i}; every value must be a finite number.`, {
        code: METRICS_ERROR_CODES.notFinite,
        field: `${field}.${i}`,
        hint: "Check the router's output or the benchmark's score columns for missing values.",
      });
    }
  }
}

/** Throws `metrics/length-mismatch` unless every named array has the length of the first. */
export function assertSameLength(arrays: Record<string, NumericArray>): void {
  const entries = Object.entries(arrays);
  const [firstName, first] = entries[0]!;
  for (const [name, array] of entries.slice(1)) {
    if (array.length !== first.length) {
      throw new MufflerError(
        `"${name}" has ${array.length} values but "${firstName}" has ${first.length}; they must hold one value per prompt.`,
        { code: METRICS_ERROR_CODES.lengthMismatch, field: name, hint: "Pass arrays of the same prompts in the same order." },
      );
    }
  }
}

/** Throws `metrics/out-of-range` unless `low <= value <= high`. */
export function assertInRange(value: number, low: number, high: number, field: string): void {
  if (!(value >= low && value <= high)) {
    throw new MufflerError(`"${field}" is ${String(value)}; it must lie between ${low} and ${high}.`, {
      code: METRICS_ERROR_CODES.outOfRange,
      field,
    });
  }
}

/** The arithmetic mean (the caller has checked that `values` is not empty). */
export function mean(values: NumericArray): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** A sorted Float64Array copy of `values` (ascending). */
export function sortedCopy(values: NumericArray): Float64Array {
  const copy = Float64Array.from(values);
  copy.sort();
  return copy;
}
