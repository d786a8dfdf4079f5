import type { SeededRandom } from "@muffler/core";

/** Chance that the synthetic strong model answers a prompt of difficulty `d` (0..1) correctly. */
export function strongCorrectProbability(difficulty: number): number {
  return 0.98 - 0.3 * difficulty;
}

/** Chance that the synthetic weak model answers a prompt of difficulty `d` (0..1) correctly. */
export function weakCorrectProbability(difficulty: number): number {
  return 0.97 - 0.9 * difficulty;
}

/** Both models' correctness on one prompt, drawn from the difficulty. */
export function drawCorrectness(random: SeededRandom, difficulty: number): { strongCorrect: boolean; weakCorrect: boolean } {
  return { strongCorrect: random.next() < strongCorrectProbability(difficulty), weakCorrect: random.next() < weakCorrectProbability(difficulty) };
}

/**
 * A judged battle between the strong and the weak model: the correct answer usually wins; when both are right the
 * judge mostly prefers the (cheaper, good-enough) weak answer or calls a tie; when both are wrong, mostly a tie.
 * Harder prompts therefore go to the strong model more often.
 */
export function drawOutcome(random: SeededRandom, difficulty: number): "strong" | "weak" | "tie" {
  const { strongCorrect, weakCorrect } = drawCorrectness(random, difficulty);
  const u = random.next();
  if (strongCorrect && !weakCorrect) return u < 0.9 ? "strong" : "tie";
  if (!strongCorrect && weakCorrect) return u < 0.9 ? "weak" : "tie";
  if (strongCorrect && weakCorrect) return u < 0.55 ? "weak" : u < 0.85 ? "strong" : "tie";
  return u < 0.5 ? "tie" : u < 0.85 ? "strong" : "weak";
}
