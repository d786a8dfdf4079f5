import { describe, expect, it } from "vitest";
import { canonicalJson, hashJson, sha256 } from "./content-hash.ts";

describe("content hashes", () => {
  it("hashes like sha256sum", () => {
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("gives equal hashes for equal options in any key order, and different ones otherwise", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe('{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}');
    expect(hashJson({ seed: 1, ratio: 0.95 })).toBe(hashJson({ ratio: 0.95, seed: 1 }));
    expect(hashJson({ seed: 1, ratio: 0.95 })).not.toBe(hashJson({ seed: 2, ratio: 0.95 }));
  });
});
