import { readFile } from "node:fs/promises";
import { MufflerError } from "@muffler/core";
import { ROUTE_TURNS, ROUTER_ERROR_CODES, Router } from "@muffler/router";
import type { ChatMessage, RouteDecision, RouteThreshold, RouteTurns } from "@muffler/router";
import { Command } from "commander";
import { printResult } from "../cli-output.ts";

interface RouteFlags {
  router: string;
  threshold?: string;
  strongPercent?: string;
  messages?: string;
  turns: string;
  json?: boolean;
}

/** What `muffler route` prints with `--json`. */
export interface RouteResult extends RouteDecision {
  strongModel: string;
  weakModel: string;
}

/** `muffler route`: one routing decision for a prompt (or an OpenAI messages file), without calling any model. */
export function routeCommand(): Command {
  return new Command("route")
    .description("Route one prompt with a trained router: print the chosen model and the strong model's win rate.")
    .argument("[prompt]", "the prompt to route (or use --messages)")
    .requiredOption("--router <dir>", "the router bundle directory (runs/<name>/router)")
    .option("--threshold <t>", "route to the strong model when its win rate is at least t (0 to 1); default 0.5 unless --strong-percent")
    .option("--strong-percent <p>", "use the threshold calibrated for p% strong-model calls (needs `muffler calibrate`)")
    .option("--messages <file>", "a JSON file holding an OpenAI messages array, routed instead of a prompt")
    .option("--turns <turns>", `which turns of --messages count: ${ROUTE_TURNS.join(", ")}`, "last-user")
    .option("--json", "print the result as JSON")
    .action(async (prompt: string | undefined, flags: RouteFlags) => {
      const result = await runRoute(prompt, flags);
      printResult(flags, result, () => {
        const rate = result.winRate === null ? "none" : result.winRate.toFixed(4);
        const comparison = result.winRate !== null && result.winRate >= result.threshold ? ">=" : "<";
        return `${result.model}\n  strong model's win rate ${rate} ${comparison} threshold ${result.threshold}`;
      });
    });
}

export async function runRoute(prompt: string | undefined, flags: RouteFlags): Promise<RouteResult> {
  if ((prompt === undefined) === (flags.messages === undefined)) {
    throw new MufflerError("Give a prompt or --messages <file>, not both and not neither.", { code: ROUTER_ERROR_CODES.emptyInput, field: "prompt" });
  }
  if (!(ROUTE_TURNS as readonly string[]).includes(flags.turns)) {
    throw new MufflerError(`--turns must be one of ${ROUTE_TURNS.join(", ")}, got ${JSON.stringify(flags.turns)}.`, { code: ROUTER_ERROR_CODES.emptyInput, field: "--turns" });
  }
  if (flags.threshold !== undefined && flags.strongPercent !== undefined) {
    throw new MufflerError("Give --threshold or --strong-percent, not both.", { code: ROUTER_ERROR_CODES.missingThreshold, field: "--threshold" });
  }
  const choice: RouteThreshold =
    flags.strongPercent !== undefined ? { strongPercent: parseNumber(flags.strongPercent, "--strong-percent") } : { threshold: parseNumber(flags.threshold ?? "0.5", "--threshold") };
  const input = flags.messages !== undefined ? await readMessages(flags.messages) : prompt!;
  const router = await Router.load({ directory: flags.router, turns: flags.turns as RouteTurns, onEmbeddingFailure: "throw" });
  try {
    const decision = await router.route(input, choice);
    return { ...decision, strongModel: router.strongModel, weakModel: router.weakModel };
  } finally {
    await router.close();
  }
}

function parseNumber(text: string, field: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new MufflerError(`${field} must be a number, got ${JSON.stringify(text)}.`, {
      code: field === "--threshold" ? ROUTER_ERROR_CODES.invalidThreshold : ROUTER_ERROR_CODES.invalidStrongPercent,
      field,
    });
  }
  return value;
}

async function readMessages(file: string): Promise<ChatMessage[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new MufflerError("Could not read the messages file as JSON.", { code: ROUTER_ERROR_CODES.emptyInput, file, cause: error });
  }
  const messages = Array.isArray(parsed) ? parsed : (parsed as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages) || messages.some((message) => message === null || typeof message !== "object" || typeof (message as { role?: unknown }).role !== "string")) {
    throw new MufflerError("The messages file must hold an array of { role, content } objects (or { messages: [...] }).", { code: ROUTER_ERROR_CODES.emptyInput, file });
  }
  return messages as ChatMessage[];
}
