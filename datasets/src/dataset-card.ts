import { MufflerError } from "@muffler/core";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { DATASETS_ERROR_CODES } from "./errors.ts";

/** A dataset card: what a dataset is, its columns and license, and how to use it with Muffler. */
export interface DatasetCard {
  /** `owner/name` on the hub, `local/<folder>` for ../shared/data, `muffler/synthetic`. */
  id: string;
  title: string;
  /** `battles` (preference pairs), `benchmark` (per-prompt quality of models) or `scores` (graded answers). */
  kind: "battles" | "benchmark" | "scores";
  source: "huggingface" | "local" | "synthetic";
  /** `hf:owner/name`, a path relative to the repository root, or the command that makes it. */
  location: string;
  license: string;
  rows: string;
  columns: { name: string; type: string; description: string }[];
  usage: string[];
  notes: string[];
  synthetic: boolean;
}

const CARDS_DIRECTORY = fileURLToPath(new URL("../cards/", import.meta.url));

/** Every dataset card, sorted by id. */
export async function listDatasetCards(): Promise<DatasetCard[]> {
  const names = (await readdir(CARDS_DIRECTORY)).filter((name) => name.endsWith(".json"));
  const cards = await Promise.all(names.map(async (name) => JSON.parse(await readFile(join(CARDS_DIRECTORY, name), "utf8")) as DatasetCard));
  return cards.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The card with this id (`lmsys/lmsys-arena-human-preference-55k`, `local/routellm-evals`, ...), matched exactly or
 * by its last part (`routellm-evals`).
 * @throws MufflerError `datasets/unknown-card`
 */
export async function readDatasetCard(id: string): Promise<DatasetCard> {
  const cards = await listDatasetCards();
  const card = cards.find((candidate) => candidate.id === id) ?? cards.find((candidate) => candidate.id.split("/").pop() === id);
  if (!card) {
    throw new MufflerError(`no dataset card "${id}" (cards: ${cards.map((candidate) => candidate.id).join(", ")}).`, {
      code: DATASETS_ERROR_CODES.unknownCard,
      field: "id",
      hint: "Run `muffler datasets cards` to list them.",
    });
  }
  return card;
}
