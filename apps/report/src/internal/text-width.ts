import * as vega from "vega";

// Vega measures text with a canvas when one is installed and otherwise guesses 0.8 em per character, which is about
// 50 % too wide for a sans-serif font: titles and axis labels then reserve blank space and charts come out too
// wide. Without adding a native canvas dependency, this measures with the character widths of Helvetica/Arial
// (Liberation Sans has the same metrics), plus a margin for wider fallback fonts: DejaVu Sans, what Debian's chromium
// shows, measured 15 % wider than Helvetica (and its bold 5 % wider again), so the margins leave a few % to spare.

/** Helvetica advance widths in 1/1000 em for the printable ASCII characters, from space (32) to tilde (126). */
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584,
  584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
  278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
  500, 334, 260, 334, 584,
];
const OTHER_WIDTH = 600;
const FALLBACK_MARGIN = 1.2;
const BOLD_FACTOR = 1.12;

/** The width in pixels of `text` at `fontSize`, bold or not. */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? ASCII_WIDTHS[code - 32]! : OTHER_WIDTH;
  }
  return (units / 1000) * fontSize * FALLBACK_MARGIN * (bold ? BOLD_FACTOR : 1);
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

interface TextMetrics {
  width: (item: TextItem, text: string) => number;
  estimateWidth: (item: TextItem, text: string) => number;
}

let installed = false;

/** Makes Vega measure text with {@link estimateTextWidth} when it has no canvas (once per process). */
export function installTextMetrics(): void {
  if (installed) return;
  installed = true;
  const metrics = (vega as unknown as { textMetrics?: TextMetrics }).textMetrics;
  if (!metrics || metrics.width !== metrics.estimateWidth) return; // a canvas measures better
  metrics.width = (item, text) => {
    const value = text === undefined || text === null ? "" : String(text).trim();
    const fontSize = item.fontSize ?? 11;
    const weight = item.fontWeight;
    const bold = weight === "bold" || (typeof weight === "number" && weight >= 600) || (typeof weight === "string" && Number(weight) >= 600);
    return estimateTextWidth(value, fontSize, bold);
  };
}
