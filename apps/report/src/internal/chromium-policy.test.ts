import { describe, expect, it } from "vitest";
import { planBrowserTest } from "./chromium-policy.ts";

const none = () => false;

describe("planBrowserTest", () => {
  it("runs wherever chromium is present, CI or not", () => {
    expect(planBrowserTest({ env: {}, exists: (path) => path === "/usr/bin/chromium" })).toEqual({ run: true, executablePath: "/usr/bin/chromium" });
    expect(planBrowserTest({ env: { CI: "true" }, exists: (path) => path === "/usr/bin/chromium-browser" })).toEqual({ run: true, executablePath: "/usr/bin/chromium-browser" });
    expect(planBrowserTest({ env: { MUFFLER_CHROMIUM: "/opt/chrome" }, exists: (path) => path === "/opt/chrome" })).toEqual({ run: true, executablePath: "/opt/chrome" });
  });

  it("skips with the reason outside CI when chromium is absent", () => {
    const plan = planBrowserTest({ env: {}, exists: none });
    expect(plan).toMatchObject({ run: false, required: false });
    expect(plan.run === false && plan.reason).toMatch(/chromium is not installed at \/usr\/bin\/chromium or \/usr\/bin\/chromium-browser.*apt-get install -y chromium/);
  });

  it("requires chromium when CI=true", () => {
    const plan = planBrowserTest({ env: { CI: "true" }, exists: none });
    expect(plan).toMatchObject({ run: false, required: true });
    expect(plan.run === false && plan.reason).toMatch(/CI=true requires/);
  });

  it("looks only at MUFFLER_CHROMIUM when it is set", () => {
    expect(planBrowserTest({ env: { MUFFLER_CHROMIUM: "/missing" }, exists: (path) => path === "/usr/bin/chromium" })).toMatchObject({ run: false, required: false });
  });
});
