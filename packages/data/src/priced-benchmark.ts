/** One model of a priced benchmark, with its list prices (USD per token) as `models.json` gives them. */
export interface PricedModel {
  /** The model's name as the benchmark spells it (its column in `scores.csv` and `costs.csv`). */
  name: string;
  /** USD per input token. */
  inputCostPerToken: number;
  /** USD per output token. */
  outputCostPerToken: number;
}

/**
 * A multi-model priced benchmark (the layout of `arena-bench-priced`, `alpaca-eval-priced`, `routerarena`): for every
 * query, each model's quality score and the USD that query cost with that model.
 */
export interface PricedBenchmark {
  /** The folder's name. */
  name: string;
  /** Query ids, in `queries.jsonl` order (row order of every other field). */
  ids: string[];
  prompts: string[];
  /** Each query's `dataset` field (the sub-benchmark), `""` when absent. */
  datasets: string[];
  /** The models in `models.json` order (column order of `scores.csv`); model index = position here. */
  models: PricedModel[];
  /** `scores[model][row]`: the quality score of that model on that query. */
  scores: Float64Array[];
  /** `costs[model][row]`: USD of that query with that model. */
  costs: Float64Array[];
}
