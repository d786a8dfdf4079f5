/**
 * A benchmark in RouteLLM's sense: per prompt, how well the strong and the weak model did. Correctness benchmarks
 * (MMLU, GSM8K) score 0 or 1; MT-Bench scores 1 to 10 (GPT-4 judgments).
 */
export interface Benchmark {
  /** The benchmark's name (its folder or file name: `mmlu`, `gsm8k`, `mt_bench`). */
  name: string;
  prompts: string[];
  strongScores: Float64Array;
  weakScores: Float64Array;
  strongModel: string;
  weakModel: string;
  /** Per prompt, its group (the MMLU subject), when the benchmark has groups. */
  groups?: string[];
}
