import { describe, expect, it } from "vitest";
import { strongPercentGrid } from "./strong-percent-grid.ts";
import { calibrateThresholds, goesStrong, quantileBinThresholds, routeToStrong, thresholdForStrongPercent } from "./thresholds.ts";

const SAMPLE = [0.9, 0.1, 0.4, 0.4, 0.75, 0.2, 0.66];
// numpy 2.4.6: [np.quantile(SAMPLE, 1 - p / 100) for p in range(0, 101, 10)]
const NUMPY_THRESHOLDS = [
  0.9, 0.81, 0.7320000000000001, 0.6779999999999999, 0.5559999999999999, 0.4, 0.4, 0.3600000000000001,
  0.23999999999999996, 0.16, 0.1,
];

describe("strongPercentGrid", () => {
  it("is 0, 10, ..., 100 by default, and exact for fractional steps", () => {
    expect(strongPercentGrid()).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(strongPercentGrid({ step: 25 })).toEqual([0, 25, 50, 75, 100]);
    expect(strongPercentGrid({ step: 0.1 })[3]).toBe(0.3);
    expect(strongPercentGrid({ step: 30 })).toEqual([0, 30, 60, 90, 100]);
  });

  it("sorts and deduplicates custom percents and rejects those outside 0..100", () => {
    expect(strongPercentGrid({ percents: [50, 10, 50] })).toEqual([10, 50]);
    expect(() => strongPercentGrid({ percents: [120] })).toThrow(/between 0 and 100/);
  });
});

describe("thresholds", () => {
  it("are numpy's quantile(winRates, 1 - p / 100) for every p of the grid", () => {
    expect(calibrateThresholds({ winRates: SAMPLE }).map((entry) => entry.threshold)).toEqual(NUMPY_THRESHOLDS);
    expect(thresholdForStrongPercent({ winRates: SAMPLE, strongPercent: 30 })).toBe(0.6779999999999999);
  });

  it("send the target share of prompts to the strong model when win rates do not tie", () => {
    const winRates = Array.from({ length: 101 }, (_, i) => (i * 37) % 101 / 100);
    for (const { strongPercent, threshold } of calibrateThresholds({ winRates })) {
      const strong = routeToStrong({ winRates, threshold }).reduce((sum, value) => sum + value, 0);
      // n = 101: quantile 1 - p/100 falls on an order statistic (up to rounding of 1 - p/100), so p + 1 prompts
      // are at or above it, or p when the rounding lifts the threshold just above that order statistic
      expect(strong).toBeGreaterThanOrEqual(strongPercent);
      expect(strong).toBeLessThanOrEqual(strongPercent + 1);
    }
  });

  it("RouteLLM's quantile-bin edges are the default grid's thresholds (up to the float of each fraction)", () => {
    const edges = quantileBinThresholds({ winRates: SAMPLE });
    expect(edges).toHaveLength(11);
    expect(edges.map((edge) => edge.strongPercent)).toEqual(strongPercentGrid());
    edges.forEach((edge, index) => expect(edge.threshold).toBeCloseTo(NUMPY_THRESHOLDS[index]!, 12));
  });

  it("RouteLLM's last edge (the highest win rate) routes with '>', every other edge and threshold with '>='", () => {
    const edges = quantileBinThresholds({ winRates: SAMPLE });
    expect(edges[0]).toEqual({ strongPercent: 0, threshold: 0.9, comparison: ">" });
    expect(edges.slice(1).every((edge) => edge.comparison === undefined)).toBe(true);
    expect(calibrateThresholds({ winRates: SAMPLE }).every((entry) => entry.comparison === undefined)).toBe(true);
    expect(Array.from(routeToStrong({ winRates: SAMPLE, ...edges[0]! }))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(routeToStrong({ winRates: SAMPLE, threshold: 0.9 }))).toEqual([1, 0, 0, 0, 0, 0, 0]);
  });

  it("RouteLLM's edges use np.linspace's fractions k * 0.1 (3 * 0.1 = 0.30000000000000004), not k / 10", () => {
    // n - 1 = 10: the 30 %, 60 % and 70 % positions land just above an integer, so the edge lands just above a win
    // rate and that prompt goes weak. Edges from ../shared/tools/routellm_metrics_check.py on the win rates 0..10.
    const winRates = Array.from({ length: 11 }, (_, i) => i);
    const edges = quantileBinThresholds({ winRates });
    expect(edges.map((edge) => edge.threshold)).toEqual([10, 9, 8, 7.000000000000001, 6.000000000000001, 5, 4, 3.0000000000000004, 2, 1, 0]);
    expect(routeToStrong({ winRates, threshold: edges[7]!.threshold }).reduce((sum, value) => sum + value, 0)).toBe(7);
  });

  it("route strong exactly where winRate >= threshold (or > with comparison '>')", () => {
    expect(Array.from(routeToStrong({ winRates: [0.2, 0.5, 0.7], threshold: 0.5 }))).toEqual([0, 1, 1]);
    expect(Array.from(routeToStrong({ winRates: [0.2, 0.5, 0.7], threshold: 0.5, comparison: ">" }))).toEqual([0, 0, 1]);
    expect(goesStrong(0.5, { threshold: 0.5 })).toBe(true);
    expect(goesStrong(0.5, { threshold: 0.5, comparison: ">" })).toBe(false);
  });
});
