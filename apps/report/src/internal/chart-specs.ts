import type { TopLevelSpec } from "vega-lite";

// The Vega-Lite specs of the report's charts. Each takes plain rows (already gathered from the runs) and returns a
// spec with a title, labelled axes with units and a legend. Rendering is renderChart's job.

const WIDTH = 300;
const HEIGHT = 220;
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** Ticks of the 0-100 % axes: every 20 %, so labels never crowd. */
const PERCENT_TICKS = [0, 20, 40, 60, 80, 100];

/** Colors of the runs' series, in run order; the reference routers are grey and black. */
export const RUN_COLORS = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777"];
const RANDOM_COLOR = "#9ca3af";
const ORACLE_COLOR = "#111827";

/**
 * The color scale of the runs present in a chart: each run keeps the color of its place among all the runs shown, so
 * a run has the same color in every chart even when another run lacks that chart's data.
 */
export function runColorScale(options: { runs: string[]; present: Iterable<string> }): { domain: string[]; range: string[] } {
  const present = new Set(options.present);
  const domain = options.runs.filter((run) => present.has(run));
  return { domain, range: domain.map((run) => RUN_COLORS[options.runs.indexOf(run) % RUN_COLORS.length]!) };
}

export interface LabelRatioRow {
  /** `run · split` (or just the split with one run). */
  group: string;
  label: string;
  percent: number;
}

/** Stacked horizontal bars: who wins the battles, per split. */
export function labelRatioSpec(rows: LabelRatioRow[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: "Who wins the battles", subtitle: "Share of each outcome per split (balanced: after RMOTE resampling)" },
    width: WIDTH,
    height: { step: 26 },
    data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "group", type: "nominal", title: "Split", sort: null, axis: { labelLimit: 260 } },
      x: { field: "percent", type: "quantitative", title: "Share of battles (%)", stack: "zero", scale: { domain: [0, 100] }, axis: { values: PERCENT_TICKS } },
      color: { field: "label", type: "nominal", title: "Outcome", scale: { range: ["#2563eb", "#f59e0b", "#9ca3af", "#16a34a"] } },
    },
  } as TopLevelSpec;
}

export interface EpochRow {
  series: string;
  run: string;
  split: string;
  epoch: number;
  value: number;
}

/** Loss per epoch: train solid, validation dashed; one color per run (or per split with one run). */
export function lossSpec(options: { rows: EpochRow[]; bestEpochs: { run: string; epoch: number }[]; runs: string[] }): TopLevelSpec {
  const multipleRuns = options.runs.length > 1;
  const colorField = multipleRuns ? "run" : "split";
  const splits = ["train", "validation"].filter((split) => options.rows.some((row) => row.split === split));
  return {
    $schema: SCHEMA,
    title: { text: "Training and validation loss", subtitle: ["Lower is better; the dotted line marks the epoch kept", "(the best validation loss)"] },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: options.bestEpochs },
        mark: { type: "rule", strokeDash: [2, 3], color: "#6b7280" },
        encoding: { x: { field: "epoch", type: "quantitative" } },
      },
      {
        data: { values: options.rows },
        mark: { type: "line", point: { size: 28 }, tooltip: true },
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "Epoch", axis: { tickMinStep: 1, format: "d" }, scale: { zero: false } },
          y: { field: "value", type: "quantitative", title: "Binary cross-entropy loss (nats)", scale: { zero: false } },
          color: {
            field: colorField,
            type: "nominal",
            title: multipleRuns ? "Run" : "Split",
            ...(multipleRuns && { scale: runColorScale({ runs: options.runs, present: options.rows.map((row) => row.run) }) }),
          },
          strokeDash: {
            field: "split",
            type: "nominal",
            title: "Split",
            scale: { domain: splits, range: splits.map((split) => (split === "train" ? [1, 0] : [6, 4])) },
          },
          detail: { field: "series", type: "nominal" },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Weight norm per epoch, one line per run. */
export function weightNormSpec(options: { rows: EpochRow[]; runs: string[] }): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: "Weight norm", subtitle: ["L2 norm of all trained parameters;", "steady growth is normal, a blow-up is not"] },
    width: WIDTH,
    height: HEIGHT,
    data: { values: options.rows },
    mark: { type: "line", point: { size: 28 }, tooltip: true },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "Epoch", axis: { tickMinStep: 1, format: "d" } },
      y: { field: "value", type: "quantitative", title: "L2 norm of the weights (unitless)", scale: { zero: false } },
      color: {
        field: "run",
        type: "nominal",
        title: "Run",
        scale: runColorScale({ runs: options.runs, present: options.rows.map((row) => row.run) }),
        ...(options.runs.length < 2 && { legend: null }),
      },
    },
  } as TopLevelSpec;
}

export interface HistogramRow {
  run: string;
  start: number;
  end: number;
  percent: number;
}

/**
 * Histogram of the router's win rates on a benchmark's prompts (share of prompts per bin): bars for one run, outlined
 * steps (one color per run) for several, so that overlapping runs stay readable.
 */
export function winRateHistogramSpec(options: { benchmark: string; rows: HistogramRow[]; thresholds: { run: string; threshold: number }[]; runs: string[] }): TopLevelSpec {
  const multipleRuns = options.runs.length > 1;
  const x = { field: "start", type: "quantitative", title: "Win rate P(strong beats weak) (probability)", scale: { zero: false } } as const;
  const y = { field: "percent", type: "quantitative", title: "Share of prompts (%)", stack: null } as const;
  const color = {
    field: "run",
    type: "nominal",
    title: "Run",
    scale: runColorScale({ runs: options.runs, present: options.rows.map((row) => row.run) }),
    legend: multipleRuns ? { symbolOpacity: 1, symbolType: "stroke" } : null,
  } as const;
  const steps = options.rows.flatMap((row, index) => {
    const next = options.rows[index + 1];
    return next && next.run === row.run ? [row] : [row, { ...row, start: row.end }];
  });
  const histogramLayers = multipleRuns
    ? [
        { data: { values: steps }, mark: { type: "area", interpolate: "step-after", opacity: 0.12 }, encoding: { x, y, color } },
        { data: { values: steps }, mark: { type: "line", interpolate: "step-after", strokeWidth: 1.8, tooltip: true }, encoding: { x, y, color } },
      ]
    : [
        {
          data: { values: options.rows },
          mark: { type: "rect", stroke: "white", strokeWidth: 0.5, tooltip: true },
          encoding: { x, x2: { field: "end" }, y, color },
        },
      ];
  return {
    $schema: SCHEMA,
    title: { text: `Win rates on ${options.benchmark}`, subtitle: ["P(strong model beats weak model) per prompt;", "the dashed line is the threshold for 50 % strong calls"] },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      ...histogramLayers,
      {
        data: { values: options.thresholds },
        // One run: a dark line over the bars; several: each run's line in its color over the outlines.
        mark: { type: "rule", strokeDash: [5, 4], strokeWidth: 1.5, ...(!multipleRuns && { color: "#111827" }) },
        encoding: {
          x: { field: "threshold", type: "quantitative" },
          ...(multipleRuns && { color }),
        },
      },
    ],
  } as TopLevelSpec;
}

export interface ClassificationRow {
  run: string;
  metric: string;
  strongPercent: number;
  value: number;
}

/** Precision, recall, F1 (strong class) and the measured % strong calls against the calibrated strong percent. */
export function classificationSpec(options: { rows: ClassificationRow[]; multipleRuns: boolean }): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: "Classification by target share of strong calls", subtitle: ["Positive: the strong model is needed;", "measured on the held-out test split"] },
    width: WIDTH,
    height: HEIGHT,
    data: { values: options.rows },
    mark: { type: "line", point: { size: 28 }, tooltip: true },
    encoding: {
      x: { field: "strongPercent", type: "quantitative", title: "Target share of strong calls (%)", scale: { domain: [0, 100] }, axis: { values: PERCENT_TICKS } },
      y: { field: "value", type: "quantitative", title: "Value (%)", scale: { domain: [0, 100] } },
      color: {
        field: "metric",
        type: "nominal",
        title: "Metric",
        sort: ["Precision (strong)", "Recall (strong)", "F1 (strong)", "Accuracy", "Strong calls (measured)"],
        scale: { range: ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#6b7280"] },
      },
      ...(options.multipleRuns && { strokeDash: { field: "run", type: "nominal", title: "Run" } }),
      detail: { field: "run", type: "nominal" },
    },
  } as TopLevelSpec;
}

export interface CurveRow {
  /** Legend entry: the run's router, "random router" or "oracle router". */
  series: string;
  kind: "router" | "random" | "oracle";
  strongCallPercent: number;
  value: number;
}

/**
 * A horizontal reference line. The first of a chart's levels (the strong model's) is labelled at the left under its
 * line, where the curves are still low; the others at the right above theirs, where the curves are already high.
 */
export interface ReferenceLevel {
  label: string;
  value: number;
}

/** The series' colors: the runs' routers in their colors, then random (grey) and oracle (black). */
function seriesScale(series: string[], runs: string[]) {
  const routers = runColorScale({ runs, present: series });
  const references = series.filter((name) => name === "random router" || name === "oracle router");
  return {
    domain: [...routers.domain, ...references],
    range: [...routers.range, ...references.map((name) => (name === "random router" ? RANDOM_COLOR : ORACLE_COLOR))],
  };
}

/**
 * A cost/quality curve against the % of strong calls: the runs' routers, the random and oracle routers, and
 * horizontal reference levels (the weak and strong models' scores, or PGR 0 and 1).
 */
export function curveSpec(options: { title: string; subtitle: string | string[]; yTitle: string; rows: CurveRow[]; levels: ReferenceLevel[]; runs: string[] }): TopLevelSpec {
  const scale = seriesScale([...new Set(options.rows.map((row) => row.series))], options.runs);
  return {
    $schema: SCHEMA,
    title: { text: options.title, subtitle: options.subtitle },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: options.levels },
        mark: { type: "rule", color: "#9ca3af", strokeDash: [1, 2], strokeWidth: 1.2 },
        encoding: { y: { field: "value", type: "quantitative" } },
      },
      {
        data: { values: options.levels.slice(0, 1) },
        mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 3, fontSize: 10, color: "#4b5563" },
        encoding: { y: { field: "value", type: "quantitative" }, x: { datum: 0, type: "quantitative" }, text: { field: "label" } },
      },
      {
        data: { values: options.levels.slice(1) },
        mark: { type: "text", align: "right", baseline: "bottom", dx: -4, dy: -2, fontSize: 10, color: "#4b5563" },
        encoding: { y: { field: "value", type: "quantitative" }, x: { datum: 100, type: "quantitative" }, text: { field: "label" } },
      },
      {
        data: { values: options.rows },
        mark: { type: "line", point: { size: 24 }, tooltip: true },
        encoding: {
          x: { field: "strongCallPercent", type: "quantitative", title: "Calls to the strong model (%)", scale: { domain: [0, 100] }, axis: { values: PERCENT_TICKS } },
          y: { field: "value", type: "quantitative", title: options.yTitle, scale: { zero: false } },
          color: { field: "series", type: "nominal", title: "Router", scale, sort: scale.domain },
          strokeDash: { field: "kind", type: "nominal", legend: null, scale: { domain: ["router", "random", "oracle"], range: [[1, 0], [5, 4], [2, 2]] } },
        },
      },
    ],
  } as TopLevelSpec;
}

/** A point of the frontier chart: a series (router, oracle, random mixing) or a single model. */
export interface FrontierChartRow {
  series: string;
  kind: "router" | "oracle" | "mixing" | "model";
  costPer1k: number;
  quality: number;
  label?: string;
}

/**
 * The cost-quality plane of a priced benchmark: the router's frontier over lambda, the oracle's, random mixing of
 * single models (their convex hull), and each single model as a labelled point; cost on a log scale.
 */
export function frontierSpec(options: { title: string; subtitle: string | string[]; rows: FrontierChartRow[] }): TopLevelSpec {
  const lines = options.rows.filter((row) => row.kind !== "model");
  const models = options.rows.filter((row) => row.kind === "model");
  const x = { field: "costPer1k", type: "quantitative", title: "USD per 1,000 queries (log scale)", scale: { type: "log" } } as const;
  const y = { field: "quality", type: "quantitative", title: "Mean quality", scale: { zero: false } } as const;
  return {
    $schema: SCHEMA,
    title: { text: options.title, subtitle: options.subtitle },
    width: WIDTH + 120,
    height: HEIGHT + 40,
    layer: [
      {
        data: { values: lines },
        mark: { type: "line", point: { size: 12 }, tooltip: true },
        encoding: {
          x,
          y,
          order: { field: "costPer1k", type: "quantitative" },
          color: { field: "series", type: "nominal", title: "Curve", scale: { domain: ["Muffler router", "oracle", "random mixing"], range: [RUN_COLORS[0]!, ORACLE_COLOR, RANDOM_COLOR] } },
          strokeDash: { field: "kind", type: "nominal", legend: null, scale: { domain: ["router", "oracle", "mixing"], range: [[1, 0], [2, 2], [5, 4]] } },
        },
      },
      { data: { values: models }, mark: { type: "point", filled: true, size: 40, color: "#ea580c", tooltip: true }, encoding: { x, y } },
      { data: { values: models }, mark: { type: "text", align: "left", dx: 5, dy: -4, fontSize: 9, color: "#4b5563" }, encoding: { x, y, text: { field: "label" } } },
    ],
  } as TopLevelSpec;
}
