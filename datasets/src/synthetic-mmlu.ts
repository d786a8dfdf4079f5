import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SeededRandom } from "@muffler/core";

/** The strong model of {@link writeSyntheticMmlu}'s benchmark (RouteLLM's name). */
export const SYNTHETIC_MMLU_STRONG_MODEL = "gpt-4-1106-preview";
/** The weak model of {@link writeSyntheticMmlu}'s benchmark. */
export const SYNTHETIC_MMLU_WEAK_MODEL = "mistralai/Mixtral-8x7B-Instruct-v0.1";

/** Options of {@link writeSyntheticMmlu}. */
export interface WriteSyntheticMmluOptions {
  /** The benchmark folder to write (created). */
  directory: string;
  /** Questions per subject (two subjects). @default 60 */
  perSubject?: number;
  /** Seed of the correctness draws. @default 0 */
  seed?: number;
}

/**
 * SYNTHETIC. Writes a tiny benchmark in RouteLLM's MMLU layout (`<dir>/responses/mmlu_<subject>.csv`): algebra questions the
 * strong model gets right and the weak model mostly wrong, history questions both get right (the weak model is
 * sometimes right where the strong one is not), so a router that reads the words can learn which is which.
 */
export async function writeSyntheticMmlu(options: WriteSyntheticMmluOptions): Promise<string> {
  const { directory } = options;
  const perSubject = options.perSubject ?? 60;
  const random = new SeededRandom(options.seed ?? 0);
  await mkdir(join(directory, "responses"), { recursive: true });
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const subjects = {
    algebra: (i: number) => `Solve for x: ${i + 2}x + ${i * 3 + 1} = ${i * 7 + 5}. Compute the polynomial root and simplify the equation.\nA. ${i}\nB. ${i + 1}\nC. ${i + 2}\nD. ${i + 3}\nAnswer:`,
    history: (i: number) => `In which century did the treaty of the kingdom number ${i} end the old war between the empires?\nA. 15th\nB. 16th\nC. 17th\nD. 18th\nAnswer:`,
  };
  for (const [subject, makePrompt] of Object.entries(subjects)) {
    const lines = [`prompt,${SYNTHETIC_MMLU_WEAK_MODEL},${SYNTHETIC_MMLU_STRONG_MODEL}`];
    for (let i = 0; i < perSubject; i++) {
      const hard = subject === "algebra";
      const strongRight = hard ? random.next() < 0.9 : random.next() < 0.85;
      const weakRight = hard ? random.next() < 0.15 : random.next() < 0.95;
      lines.push(`${quote(makePrompt(i))},${weakRight ? "True" : "False"},${strongRight ? "True" : "False"}`);
    }
    await writeFile(join(directory, "responses", `mmlu_${subject}.csv`), `${lines.join("\n")}\n`);
  }
  return directory;
}
