import { MufflerError, type MufflerErrorCode } from "@muffler/core";
import { EVALUATION_ERROR_CODES } from "@muffler/evaluation";

/** Parses a numeric flag (error code: `constraint.code`, default evaluation/bad-option); `undefined` stays undefined. Accepts `Infinity` / `inf` where `allowInfinity`. */
export function parseNumberFlag(
  value: string | undefined,
  flag: string,
  constraint: { integer?: boolean; min?: number; allowInfinity?: boolean; code?: MufflerErrorCode } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  const parsed = constraint.allowInfinity && (text === "infinity" || text === "inf" || text === "none") ? Number.POSITIVE_INFINITY : Number(text);
  const bad =
    text === "" ||
    Number.isNaN(parsed) ||
    (!constraint.allowInfinity && !Number.isFinite(parsed)) ||
    (constraint.integer === true && !Number.isInteger(parsed)) ||
    (constraint.min !== undefined && parsed < constraint.min);
  if (bad) {
    const what = `${constraint.integer ? "an integer" : "a number"}${constraint.min !== undefined ? ` >= ${constraint.min}` : ""}`;
    throw new MufflerError(`${flag} must be ${what}, got ${JSON.stringify(value)}.`, { code: constraint.code ?? EVALUATION_ERROR_CODES.badOption, field: flag });
  }
  return parsed;
}

/** Parses `10,20,30` into percents between 0 and 100. */
export function parsePercentList(value: string | undefined, flag: string): number[] | undefined {
  if (value === undefined) return undefined;
  const percents = value.split(",").map((part) => parseNumberFlag(part, flag, { min: 0 })!);
  const bad = percents.find((percent) => percent > 100);
  if (bad !== undefined || percents.length === 0) {
    throw new MufflerError(`${flag} takes percents between 0 and 100 separated by commas (e.g. 10,20,50), got ${JSON.stringify(value)}.`, {
      code: EVALUATION_ERROR_CODES.badOption,
      field: flag,
    });
  }
  return percents;
}

/** Commander helper: collects a repeatable flag into an array. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
