import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SeededRandom } from "@muffler/core";

/**
 * SYNTHETIC. Writes a tiny priced benchmark folder (queries.jsonl, scores.csv, costs.csv, models.json) with three models:
 * `big` (dear, right on every subject), `mid` (a tenth of the price, right on history and poetry) and `small` (a
 * hundredth, right on poetry only). A router that reads the words sends algebra to big, history to mid and poetry to
 * small, which no mix of single models matches.
 */
export async function writeSyntheticPriced(directory: string, options: { perSubject?: number; seed?: number } = {}): Promise<string> {
  const perSubject = options.perSubject ?? 30;
  const random = new SeededRandom(options.seed ?? 0);
  await mkdir(directory, { recursive: true });
  const models = [
    { name: "big", input_cost_per_token_usd: 1e-5, output_cost_per_token_usd: 3e-5 },
    { name: "mid", input_cost_per_token_usd: 1e-6, output_cost_per_token_usd: 3e-6 },
    { name: "small", input_cost_per_token_usd: 1e-7, output_cost_per_token_usd: 3e-7 },
  ];
  const subjects = {
    algebra: { prompt: (i: number) => `Solve for x: ${i + 2}x + ${i * 3 + 1} = ${i * 7 + 5}. Compute the polynomial root and simplify the equation.`, right: [0.95, 0.1, 0.05] },
    history: { prompt: (i: number) => `In which century did the treaty of the kingdom number ${i} end the old war between the empires?`, right: [0.95, 0.9, 0.1] },
    poetry: { prompt: (i: number) => `Write a short happy poem about flowers, sunshine and a garden in spring, number ${i}.`, right: [0.95, 0.95, 0.9] },
  };
  const queries: string[] = [];
  const scores = ["id,big,mid,small"];
  const costs = ["id,big,mid,small"];
  for (const [subject, { prompt, right }] of Object.entries(subjects)) {
    for (let i = 0; i < perSubject; i++) {
      const id = `${subject}-${i}`;
      const text = prompt(i);
      queries.push(JSON.stringify({ id, dataset: subject, prompt: text }));
      scores.push([id, ...right.map((p) => (random.next() < p ? 1 : 0))].join(","));
      const inputTokens = Math.ceil(text.length / 4);
      costs.push([id, ...models.map((model) => inputTokens * model.input_cost_per_token_usd + (200 + random.int(100)) * model.output_cost_per_token_usd)].join(","));
    }
  }
  await writeFile(join(directory, "queries.jsonl"), `${queries.join("\n")}\n`);
  await writeFile(join(directory, "scores.csv"), `${scores.join("\n")}\n`);
  await writeFile(join(directory, "costs.csv"), `${costs.join("\n")}\n`);
  await writeFile(join(directory, "models.json"), JSON.stringify(models, null, 2));
  return directory;
}
