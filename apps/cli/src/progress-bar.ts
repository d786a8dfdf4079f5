import type { OnProgress, ProgressEvent } from "@muffler/core";

/**
 * Draws `ProgressEvent`s as a one-line bar on stderr with rate and ETA, redrawn at most 10 times a second.
 * Silent when stderr is not a terminal (CI logs, `--json`), except a final line per stage.
 */
export function createProgressBar(options: { enabled: boolean; stream?: NodeJS.WriteStream }): { onProgress: OnProgress; finish: () => void } {
  const stream = options.stream ?? process.stderr;
  const interactive = options.enabled && stream.isTTY === true;
  let stage: string | undefined;
  let startedAt = 0;
  let lastDrawAt = 0;
  let last: ProgressEvent | undefined;

  const render = (event: ProgressEvent): string => {
    const elapsedSeconds = Math.max((performance.now() - startedAt) / 1000, 1e-9);
    const rate = event.done / elapsedSeconds;
    const unit = event.unit ?? "items";
    const detail = Object.entries(event.detail ?? {})
      .map(([key, value]) => `${key} ${typeof value === "number" ? (Number.isInteger(value) ? value : value.toFixed(4)) : value}`)
      .join("  ");
    if (event.total !== undefined && event.total > 0) {
      const fraction = Math.min(event.done / event.total, 1);
      const width = 24;
      const filled = Math.round(fraction * width);
      const eta = rate > 0 ? (event.total - event.done) / rate : Number.POSITIVE_INFINITY;
      return `${event.stage.padEnd(9)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${event.done}/${event.total} ${unit}  ${rate.toFixed(0)} ${unit}/s  ETA ${formatSeconds(eta)}  ${detail}`;
    }
    return `${event.stage.padEnd(9)} ${event.done} ${unit}  ${rate.toFixed(0)} ${unit}/s  ${detail}`;
  };

  const endStage = () => {
    if (last && options.enabled) {
      const line = render(last);
      stream.write(interactive ? `\r\x1b[2K${line}\n` : `${line}\n`);
    }
    last = undefined;
  };

  return {
    onProgress(event) {
      if (event.stage !== stage) {
        endStage();
        stage = event.stage;
        startedAt = performance.now();
      }
      last = event;
      if (!interactive) return;
      const now = performance.now();
      if (now - lastDrawAt < 100 && event.done !== event.total) return;
      lastDrawAt = now;
      stream.write(`\r\x1b[2K${render(event)}`);
    },
    finish: endStage,
  };
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
}
