import { SeededRandom } from "@muffler/core";

const WORDS = (
  "explain prove write summarize translate compare list why how what which the a of to in for with on about between " +
  "theorem integral function python code sorting algorithm history war economy poem story haiku recipe email letter " +
  "physics quantum gravity energy cell biology protein market inflation database query index network protocol " +
  "security password encryption capital city river mountain language grammar essay argument ethics philosophy " +
  "derivative limit matrix vector probability statistics regression model training data bias fairness climate"
).split(" ");

/** Distinct prompts of `minChars` to `maxChars` characters (seeded); prompt `i` starts with its number. */
export function benchmarkPrompts(options: { count: number; minChars?: number; maxChars?: number; seed?: number }): string[] {
  const { count, minChars = 20, maxChars = 400, seed = 0 } = options;
  const random = new SeededRandom(seed);
  const prompts: string[] = [];
  for (let index = 0; index < count; index++) {
    const target = minChars + random.int(maxChars - minChars + 1);
    let text = `#${index} `;
    while (text.length < target) text += `${WORDS[random.int(WORDS.length)]} `;
    prompts.push(text.slice(0, target).trimEnd().padEnd(minChars, "?"));
  }
  return prompts;
}
