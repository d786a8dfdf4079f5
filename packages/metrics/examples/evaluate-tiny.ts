// Run: node --conditions=@muffler/source --import tsx examples/evaluate-tiny.ts
import { evaluateRouting, thresholdMetrics } from "@muffler/metrics";

// Five benchmark prompts: the router's P(strong beats weak), and each model's 0/1 correctness.
const winRates = [0.92, 0.15, 0.64, 0.33, 0.8];
const strongScores = [1, 1, 1, 0, 1];
const weakScores = [0, 1, 0, 0, 1];

const result = evaluateRouting({ benchmark: "tiny", router: "example", winRates, strongScores, weakScores });
console.log(`APGR ${result.apgr.toFixed(3)} (random ${result.random.apgr.toFixed(3)}, oracle ${result.oracle.apgr.toFixed(3)})`);
console.log(`CPT(50%) ${result.cpt50.toFixed(1)}% of calls to the strong model`);
for (const point of result.curve) {
  console.log(`  ${point.strongCallPercent.toFixed(0).padStart(3)}% strong  score ${point.score.toFixed(2)}  PGR ${point.pgr.toFixed(2)}`);
}
const calibration = thresholdMetrics({ winRates, strongNeeded: [1, 0, 1, 0, 0], strongPercents: [40] });
console.log(`threshold for 40% strong calls: ${calibration[0]!.threshold.toFixed(3)}, accuracy ${calibration[0]!.accuracy}`);
