import { defineProject } from "vitest/config";

/**
 * The vitest settings every package shares: tests run against source through the `@muffler/source` condition
 * (the same condition tsconfig's `customConditions` names), in Node, beside the code they test.
 * Plain JavaScript because vitest loads config dependencies from node_modules without transpiling them.
 *
 * @param {string} name the project name shown in test output
 * @param {{ testTimeout?: number }} [overrides]
 */
export function mufflerProject(name, overrides = {}) {
  return defineProject({
    resolve: { conditions: ["@muffler/source"] },
    ssr: { resolve: { conditions: ["@muffler/source"] } },
    test: {
      name,
      environment: "node",
      include: ["src/**/*.test.ts", "bench/**/*.test.ts", "examples/**/*.test.ts"],
      testTimeout: overrides.testTimeout ?? 60_000,
      hookTimeout: 120_000,
    },
  });
}
