/** The error codes of `@muffler/datasets`. */
export const DATASETS_ERROR_CODES = {
  /** No card has that id. */
  unknownCard: "datasets/unknown-card",
  /** An option is out of range (battle count, seed). */
  badOption: "datasets/bad-option",
} as const;

export type DatasetsErrorCode = (typeof DATASETS_ERROR_CODES)[keyof typeof DATASETS_ERROR_CODES];

declare module "@muffler/core" {
  interface MufflerErrorCodes {
    datasets: DatasetsErrorCode;
  }
}
