import { SeededRandom } from "@muffler/core";
import { initializeParameters, MFRB } from "@muffler/model";
import { describe, expect, it } from "vitest";
import { averageRouters } from "./average-routers.ts";

describe("averageRouters", () => {
  it("gives one MF whose logit differences are the mean of the members'", () => {
    const members = [1, 2, 3].map((seed) => initializeParameters({ models: ["strong", "weak"], hidden: 8, dimension: 6, seed }));
    // scale model rows differently, so that the per-row normalization matters
    members[1]!.P.forEach((value, index, array) => (array[index] = value * 7));
    const merged = averageRouters(members);
    expect(merged.hidden).toBe(24);
    const random = new SeededRandom(0);
    for (let trial = 0; trial < 5; trial++) {
      const q = Float32Array.from({ length: 6 }, () => random.normal());
      const difference = (router: MFRB) => router.logit(0, q) - router.logit(1, q);
      const mean = members.reduce((sum, member) => sum + difference(new MFRB(member)), 0) / members.length;
      expect(difference(new MFRB(merged))).toBeCloseTo(mean, 4);
    }
    expect(averageRouters([members[0]!])).toBe(members[0]);
  });
});
