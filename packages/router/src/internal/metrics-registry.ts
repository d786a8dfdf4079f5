/** Latency buckets in seconds (Prometheus `le`). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type Labels = Record<string, string>;

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** A small in-process Prometheus registry: counters and latency histograms with labels, rendered as text 0.0.4. */
export class MetricsRegistry {
  readonly #help = new Map<string, { type: "counter" | "histogram" | "gauge"; help: string }>();
  readonly #counters = new Map<string, Map<string, number>>();
  readonly #histograms = new Map<string, Map<string, Histogram>>();
  readonly #gauges = new Map<string, () => { labels: Labels; value: number }[]>();

  counter(name: string, help: string): (labels?: Labels, by?: number) => void {
    this.#help.set(name, { type: "counter", help });
    const series = new Map<string, number>();
    this.#counters.set(name, series);
    return (labels = {}, by = 1) => {
      const key = labelText(labels);
      series.set(key, (series.get(key) ?? 0) + by);
    };
  }

  histogram(name: string, help: string): (labels: Labels, seconds: number) => void {
    this.#help.set(name, { type: "histogram", help });
    const series = new Map<string, Histogram>();
    this.#histograms.set(name, series);
    return (labels, seconds) => {
      const key = labelText(labels);
      let histogram = series.get(key);
      if (histogram === undefined) {
        histogram = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
        series.set(key, histogram);
      }
      for (let index = 0; index < BUCKETS.length; index++) if (seconds <= BUCKETS[index]!) histogram.counts[index]!++;
      histogram.sum += seconds;
      histogram.count++;
    };
  }

  /** A gauge computed when scraped. */
  gauge(name: string, help: string, read: () => { labels: Labels; value: number }[]): void {
    this.#help.set(name, { type: "gauge", help });
    this.#gauges.set(name, read);
  }

  /** The value of one counter series (tests, the health route). */
  counterValue(name: string, labels: Labels = {}): number {
    return this.#counters.get(name)?.get(labelText(labels)) ?? 0;
  }

  /** Every series of a counter, as label text -> value. */
  counterSeries(name: string): Map<string, number> {
    return this.#counters.get(name) ?? new Map();
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { type, help }] of this.#help) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      if (type === "counter") {
        for (const [labels, value] of this.#counters.get(name) ?? []) lines.push(`${name}${wrap(labels)} ${value}`);
      } else if (type === "gauge") {
        for (const { labels, value } of this.#gauges.get(name)?.() ?? []) lines.push(`${name}${wrap(labelText(labels))} ${value}`);
      } else {
        for (const [labels, histogram] of this.#histograms.get(name) ?? []) {
          const prefix = labels.length > 0 ? `${labels},` : "";
          BUCKETS.forEach((bound, index) => lines.push(`${name}_bucket{${prefix}le="${bound}"} ${histogram.counts[index]}`));
          lines.push(`${name}_bucket{${prefix}le="+Inf"} ${histogram.count}`);
          lines.push(`${name}_sum${wrap(labels)} ${histogram.sum}`, `${name}_count${wrap(labels)} ${histogram.count}`);
        }
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

function labelText(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}="${String(labels[key]).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
}

function wrap(labels: string): string {
  return labels.length > 0 ? `{${labels}}` : "";
}
