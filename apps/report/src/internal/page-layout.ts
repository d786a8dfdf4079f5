import { escapeHtml } from "./html.ts";
import { FONT_FAMILY } from "./render-chart.ts";

/** One section of the page: an anchor id, a title, and its HTML body. */
export interface PageSection {
  id: string;
  title: string;
  body: string;
}

const CSS = `
:root { color-scheme: light; --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --panel: #f9fafb; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${FONT_FAMILY}; color: var(--ink); background: #f3f4f6; line-height: 1.5; font-size: 15px; }
header.top { background: #111827; color: #f9fafb; padding: 28px 32px 22px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; }
header.top p { margin: 0; color: #d1d5db; font-size: 13px; }
header.top code { color: #f9fafb; }
nav { position: sticky; top: 0; z-index: 1; background: white; border-bottom: 1px solid var(--line); padding: 8px 32px; display: flex; gap: 18px; flex-wrap: wrap; font-size: 13px; }
nav a { color: var(--muted); text-decoration: none; }
nav a:hover { color: var(--accent); }
main { max-width: 1440px; margin: 0 auto; padding: 20px 24px 48px; }
section.panel { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 0 0 20px; }
section.panel > h2 { margin: 0 0 12px; font-size: 19px; font-weight: 650; }
section.benchmark { border-top: 1px solid var(--line); padding-top: 12px; margin-top: 12px; }
section.benchmark:first-of-type { border-top: none; margin-top: 0; padding-top: 0; }
section.benchmark h3 { margin: 4px 0 0; font-size: 16px; }
p.meta { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0; }
figure.chart { margin: 0; flex: 0 1 auto; max-width: 100%; background: white; border: 1px solid var(--line); border-radius: 8px; padding: 6px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figure.chart figcaption { max-width: 400px; }
figure.chart figcaption { font-size: 12px; color: var(--muted); padding: 4px 8px 6px; }
.table-wrap { overflow-x: auto; margin: 12px 0; }
table { border-collapse: collapse; font-size: 13px; min-width: 50%; }
caption { text-align: left; font-size: 12px; color: var(--muted); padding: 0 0 6px; caption-side: top; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
thead th { background: var(--panel); font-weight: 600; color: #374151; border-bottom: 1px solid #d1d5db; }
tbody tr:nth-child(even) { background: #fafafa; }
tbody th { font-weight: 500; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
details.thresholds { margin: 8px 0; }
details.thresholds summary { cursor: pointer; font-size: 13px; color: #374151; font-weight: 600; }
.explainer { background: #eff6ff; border: 1px solid #bfdbfe; border-radius: 8px; padding: 10px 14px; font-size: 14px; }
.explainer p { margin: 0; }
p.pair { margin: 14px 0 8px; font-size: 14px; color: #374151; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 16px; }
.card { flex: 0 1 250px; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--panel); }
.card-title { font-size: 12px; font-weight: 650; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.card-figure { font-size: 30px; font-weight: 700; color: var(--accent); line-height: 1.2; margin: 4px 0 2px; font-variant-numeric: tabular-nums; }
.card-label { font-size: 13px; color: #374151; }
.card-detail { font-size: 12px; color: var(--muted); margin-top: 6px; }
p.not-run { background: #fffbeb; border: 1px solid #fde68a; border-radius: 6px; padding: 8px 12px; font-size: 13px; margin: 8px 0; }
.run-note { display: flex; align-items: baseline; gap: 10px; }
.run-note .run-name { font-weight: 600; font-size: 13px; min-width: 80px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; background: rgba(0,0,0,0.05); padding: 1px 4px; border-radius: 4px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 8px 0 24px; }
@media print { nav { display: none; } body { background: white; } section.panel { break-inside: avoid; } }
`;

/** The whole HTML document: inline CSS, inline SVG, no script, no external resource. */
export function pageLayout(options: { title: string; runs: { name: string; directory: string }[]; generatedAt: string; sections: PageSection[] }): string {
  const runList = options.runs.map((run) => `<code>${escapeHtml(run.directory)}</code>`).join(", ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Muffler report">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(options.title)}</h1><p>${options.runs.length > 1 ? "Runs" : "Run"} ${runList} · generated ${escapeHtml(options.generatedAt)}</p></header>
<nav>${options.sections.map((section) => `<a href="#${section.id}">${escapeHtml(section.title)}</a>`).join("")}</nav>
<main>
${options.sections.map((section) => `<section class="panel" id="${section.id}" data-section="${section.id}"><h2>${escapeHtml(section.title)}</h2>\n${section.body}\n</section>`).join("\n")}
</main>
<footer>Muffler routing report · one self-contained file: no scripts, no network.</footer>
</body>
</html>
`;
}
