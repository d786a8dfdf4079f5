/**
 * A progress event from long work (reading, embedding, training, evaluating). Libraries emit these through an
 * `onProgress` option; the CLI draws them as a progress bar.
 */
export interface ProgressEvent {
  /** What is being done, e.g. "embed", "train". */
  stage: string;
  /** Units done so far. */
  done: number;
  /** Units in all, when known. */
  total?: number;
  /** What a unit is: "rows", "texts", "steps". */
  unit?: string;
  /** Extra figures to show beside the bar (loss, epoch). */
  detail?: Record<string, string | number>;
}

export type OnProgress = (event: ProgressEvent) => void;
