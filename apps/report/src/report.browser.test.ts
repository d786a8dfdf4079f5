import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "./build-report.ts";
import { writeSampleRun } from "./sample-run.ts";
import { SAMPLE_RUN_CHARTS } from "./__fixtures__/sample-run-charts.ts";
import { planBrowserTest } from "./internal/chromium-policy.ts";

// Opens the report in Debian's chromium (never a downloaded browser) and checks what a reader sees. It runs wherever
// chromium is present, is required when CI=true (`.ci/run` installs chromium), and elsewhere skips saying why.
const plan = planBrowserTest({ env: process.env, exists: existsSync });
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
if (!plan.run && !plan.required) console.warn(`[report] skipped the browser test: ${plan.reason}`);

let root: string;
let reportPath: string;
let browser: Browser | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "muffler-report-browser-"));
  const baseline = join(root, "baseline");
  const balanced = join(root, "balanced");
  await writeSampleRun({ runDirectory: baseline, seed: 1, routerQuality: 0.45 });
  await writeSampleRun({ runDirectory: balanced, seed: 2, routerQuality: 0.7 });
  reportPath = join(root, "report", "index.html");
  await buildReport({ runDirectories: [baseline, balanced], outputPath: reportPath });
  if (plan.run) browser = await chromium.launch({ executablePath: plan.executablePath, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!plan.run && !plan.required)("the report in a browser", () => {
  it("renders every chart with data and labelled axes, loads nothing from the network, and screenshots", async () => {
    if (!browser) throw new Error(plan.run ? "chromium did not start." : plan.reason);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(pathToFileURL(reportPath).href);

    const charts = await page.$$eval("figure[data-chart]", (figures) =>
      figures.map((figure) => {
        const svg = figure.querySelector("svg");
        const box = svg?.getBoundingClientRect();
        const marks = [...figure.querySelectorAll("g.role-mark path, g.role-mark line")].filter((mark) => {
          const bounds = (mark as unknown as { getBBox(): { width: number; height: number } }).getBBox();
          return bounds.width > 0 || bounds.height > 0;
        });
        return {
          name: `${figure.getAttribute("data-chart")}${figure.getAttribute("data-benchmark") ? `:${figure.getAttribute("data-benchmark")}` : ""}`,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: marks.length,
          axisTitles: [...figure.querySelectorAll("g.role-axis-title text")].map((text) => text.textContent ?? ""),
          title: figure.querySelector("g.role-title-text text")?.textContent ?? "",
          legendLabels: [...figure.querySelectorAll("g.role-legend-label text")].map((text) => text.textContent ?? ""),
        };
      }),
    );
    expect(charts.map((chart) => chart.name).sort()).toEqual([...SAMPLE_RUN_CHARTS]);
    for (const chart of charts) {
      expect(chart.width, `${chart.name} width`).toBeGreaterThan(250);
      expect(chart.height, `${chart.name} height`).toBeGreaterThan(150);
      expect(chart.marks, `${chart.name} visible marks`).toBeGreaterThan(0);
      expect(chart.axisTitles.filter((title) => title.trim().length > 0).length, `${chart.name} axis titles`).toBeGreaterThanOrEqual(2);
      expect(chart.title.length, `${chart.name} title`).toBeGreaterThan(0);
    }
    const score = charts.find((chart) => chart.name === "benchmark-score:mmlu")!;
    expect(score.axisTitles).toContain("Calls to the strong model (%)");
    expect(score.legendLabels).toEqual(expect.arrayContaining(["baseline", "balanced", "random router", "oracle router"]));

    // Three charts per benchmark fit side by side on a 1400-pixel screen.
    const tops = await page.$$eval('section.benchmark[data-benchmark="mmlu"] figure.chart', (figures) => figures.map((figure) => Math.round(figure.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);

    expect(requests.filter((url) => !url.startsWith("file:"))).toEqual([]);
    expect(errors).toEqual([]);

    // Kept after the test (the run folders are not) so that a person, or CI as an artifact, can look at it.
    const screenshot = process.env.MUFFLER_REPORT_SCREENSHOT ?? join(tmpdir(), "muffler-report-browser-test.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect((await stat(screenshot)).size).toBeGreaterThan(50_000);
    console.log(`report screenshot: ${screenshot}`);
    await page.close();
  });
});
