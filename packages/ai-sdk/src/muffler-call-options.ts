import { MufflerError } from "@muffler/core";
import { ROUTE_TURNS } from "@muffler/router";
import { z } from "zod";
import { AI_SDK_ERROR_CODES } from "./errors.ts";

/** `providerOptions.muffler` of one call. */
export const mufflerCallOptionsSchema = z.strictObject({
  threshold: z.number().optional(),
  strongPercent: z.number().optional(),
  turns: z.enum(ROUTE_TURNS).optional(),
  forceModel: z.enum(["strong", "weak"]).optional(),
});

export type MufflerCallOptions = z.infer<typeof mufflerCallOptionsSchema>;

/** Reads and checks `providerOptions.muffler` (absent: `{}`); throws `ai-sdk/invalid-call-options` or `ai-sdk/conflicting-thresholds`. */
export function parseCallOptions(value: unknown): MufflerCallOptions {
  if (value === undefined) return {};
  const parsed = mufflerCallOptionsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ["providerOptions", "muffler", ...issue.path.map(String)].join(".");
    throw new MufflerError(`providerOptions.muffler is invalid: ${issue.message}.`, {
      code: AI_SDK_ERROR_CODES.invalidCallOptions,
      field: path,
      hint: `Pass { threshold } or { strongPercent }, and optionally turns (${ROUTE_TURNS.join(", ")}) or forceModel ("strong" | "weak").`,
    });
  }
  if (parsed.data.threshold !== undefined && parsed.data.strongPercent !== undefined) {
    throw new MufflerError("providerOptions.muffler gives both threshold and strongPercent.", {
      code: AI_SDK_ERROR_CODES.conflictingThresholds,
      field: "providerOptions.muffler",
      hint: "Give one of them: a win-rate threshold (0 to 1) or a calibrated share of strong calls (0 to 100).",
    });
  }
  return parsed.data;
}
