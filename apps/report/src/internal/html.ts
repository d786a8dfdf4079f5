/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A table cell: text (escaped) or a number already formatted, right-aligned. */
export type Cell = string | { number: string } | { html: string };

/** An HTML table; `caption` is shown above it. */
export function htmlTable(options: { header: string[]; rows: Cell[][]; caption?: string; attributes?: string }): string {
  const cell = (value: Cell, tag: "td" | "th") => {
    if (typeof value === "string") return `<${tag}>${escapeHtml(value)}</${tag}>`;
    if ("number" in value) return `<${tag} class="num">${escapeHtml(value.number)}</${tag}>`;
    return `<${tag}>${value.html}</${tag}>`;
  };
  return [
    `<div class="table-wrap"><table${options.attributes ? ` ${options.attributes}` : ""}>`,
    options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "",
    `<thead><tr>${options.header.map((title) => `<th scope="col">${escapeHtml(title)}</th>`).join("")}</tr></thead>`,
    `<tbody>${options.rows.map((row) => `<tr>${row.map((value, index) => cell(value, index === 0 ? "th" : "td")).join("")}</tr>`).join("")}</tbody>`,
    "</table></div>",
  ].join("");
}

/** A number with `digits` decimals, or an en dash when absent. */
export function formatNumber(value: number | null | undefined, digits = 3): { number: string } {
  if (value === null || value === undefined || !Number.isFinite(value)) return { number: "–" };
  return { number: value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) };
}

/** An integer with thousands separators. */
export function formatCount(value: number | null | undefined): { number: string } {
  if (value === null || value === undefined) return { number: "–" };
  return { number: value.toLocaleString("en-US") };
}

/** `value` already in percent (0..100), shown with one decimal and a % sign. */
export function formatPercent(value: number | null | undefined, digits = 1): { number: string } {
  if (value === null || value === undefined || !Number.isFinite(value)) return { number: "–" };
  return { number: `${value.toFixed(digits)} %` };
}

/** A figure wrapping an inline SVG chart; `data-chart` is the stable name tests and styles select on. */
export function chartFigure(options: { name: string; svg: string; caption: string; attributes?: Record<string, string> }): string {
  const extra = Object.entries(options.attributes ?? {})
    .map(([key, value]) => ` data-${key}="${escapeHtml(value)}"`)
    .join("");
  return `<figure class="chart" data-chart="${escapeHtml(options.name)}"${extra}>${options.svg}<figcaption>${escapeHtml(options.caption)}</figcaption></figure>`;
}

/** The placeholder of a section (or part of one) whose file a stage has not written yet. */
export function notRunYet(options: { what: string; files: string[]; command: string }): string {
  const files = options.files.map((file) => `<code>${escapeHtml(file)}</code>`).join(", ");
  return `<p class="not-run" data-missing="${escapeHtml(options.what)}"><strong>Not run yet.</strong> ${files} ${options.files.length > 1 ? "are" : "is"} missing; <code>${escapeHtml(options.command)}</code> writes it.</p>`;
}
