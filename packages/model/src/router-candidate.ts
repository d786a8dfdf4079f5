// The schemas of router.json's candidates and budgets are part of the run-directory contract in @muffler/core.
import type { z } from "zod";
import { budgetLambdaSchema, qualityCalibrationSchema, routerCandidateSchema } from "@muffler/core";
import type { Candidate } from "./candidate.ts";
import type { QualityCalibration } from "./quality-calibration.ts";

export { budgetLambdaSchema, qualityCalibrationSchema, routerCandidateSchema };

/** A candidate as router.json keeps it: its prices and expected length, and the calibration of its logit. */
export interface RouterCandidate extends Candidate {
  calibration: QualityCalibration;
}

/** A budget calibrated on traffic: the tradeoff lambda that kept the mean estimated cost within it. */
export type CalibratedBudget = z.infer<typeof budgetLambdaSchema>;
