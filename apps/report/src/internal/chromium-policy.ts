/** Whether the report's browser test runs, and why not when it does not. */
export type BrowserTestPlan =
  | { run: true; executablePath: string }
  | { run: false; required: true; reason: string }
  | { run: false; required: false; reason: string };

export interface PlanBrowserTestOptions {
  /** The environment: `MUFFLER_CHROMIUM` (a chromium binary) and `CI` (`"true"` makes the test required). */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether a file exists (tests pass their own). */
  exists: (path: string) => boolean;
  /** Where Debian and Ubuntu put chromium. @default ["/usr/bin/chromium", "/usr/bin/chromium-browser"] */
  candidates?: readonly string[];
}

/**
 * The report's browser test runs wherever chromium is present; in CI (`CI=true`, where `.ci/run` installs chromium)
 * it is required, so a missing browser fails it; elsewhere it is skipped with the reason.
 */
export function planBrowserTest(options: PlanBrowserTestOptions): BrowserTestPlan {
  const configured = options.env["MUFFLER_CHROMIUM"];
  const candidates = configured !== undefined && configured !== "" ? [configured] : (options.candidates ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
  const found = candidates.find((path) => options.exists(path));
  if (found !== undefined) return { run: true, executablePath: found };
  const where = candidates.join(" or ");
  if (options.env["CI"] === "true") {
    return { run: false, required: true, reason: `chromium is not installed at ${where}, and CI=true requires the report's browser test: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set MUFFLER_CHROMIUM.` };
  }
  return { run: false, required: false, reason: `chromium is not installed at ${where} (install Debian's chromium, apt-get install -y chromium, or set MUFFLER_CHROMIUM, to run it; CI=true makes it required).` };
}
