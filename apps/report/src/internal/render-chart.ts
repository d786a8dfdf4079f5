import { MufflerError } from "@muffler/core";
import { View, parse } from "vega";
import { type Config, type TopLevelSpec, compile } from "vega-lite";
import { REPORT_ERROR_CODES } from "../errors.ts";
import { installTextMetrics } from "./text-width.ts";

/** The font stack of the page, so chart text matches the tables. */
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** A calm theme: light grid, grey axes, readable titles. */
const THEME: Config = {
  font: FONT_FAMILY,
  background: "white",
  padding: 8,
  view: { stroke: null },
  title: { fontSize: 14, fontWeight: 600, anchor: "start", color: "#1f2937", subtitleColor: "#6b7280", subtitleFontSize: 11, offset: 10 },
  axis: {
    labelColor: "#4b5563",
    titleColor: "#374151",
    titleFontSize: 12,
    titleFontWeight: 500,
    labelFontSize: 11,
    gridColor: "#eef0f3",
    domainColor: "#9ca3af",
    tickColor: "#9ca3af",
    labelSeparation: 4,
  },
  legend: { labelFontSize: 11, titleFontSize: 11, titleColor: "#374151", labelColor: "#374151", orient: "bottom", direction: "horizontal", columns: 2, symbolStrokeWidth: 2.5, labelLimit: 260 },
  header: { labelFontSize: 12, labelFontWeight: 600, labelColor: "#1f2937", titleFontSize: 12 },
  line: { strokeWidth: 2 },
  range: { category: ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"] },
};

let chartCounter = 0;

/**
 * Renders a Vega-Lite spec to an SVG string in Node (no canvas, no browser). Element ids inside the SVG (clip paths,
 * gradients) get a prefix unique to this chart, because several SVGs inlined in one page share one id namespace.
 */
export async function renderChart(spec: TopLevelSpec): Promise<string> {
  installTextMetrics();
  const prefix = `c${++chartCounter}-`;
  let view: View | undefined;
  try {
    const compiled = compile({ ...spec, config: { ...THEME, ...spec.config } } as TopLevelSpec).spec;
    view = new View(parse(compiled), { renderer: "none" });
    const svg = await view.toSVG();
    return uniquifyIds(svg, prefix);
  } catch (error) {
    throw new MufflerError(`could not render a chart: ${(error as Error).message}`, {
      code: REPORT_ERROR_CODES.chartFailed,
      kind: "internal",
      hint: "This is a bug in the report; please report it with the run directory.",
      cause: error,
    });
  } finally {
    view?.finalize();
  }
}

function uniquifyIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(match[1]!);
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)"/g, (whole, start: string, id: string) => (ids.has(id) ? `${start}${prefix}${id}"` : whole))
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : whole))
    .replace(/href="#([^"]+)"/g, (whole, id: string) => (ids.has(id) ? `href="#${prefix}${id}"` : whole));
}
