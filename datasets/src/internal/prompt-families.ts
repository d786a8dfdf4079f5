import type { SeededRandom } from "@muffler/core";
import type { SyntheticFamily } from "../synthetic-families.ts";

/** A generated prompt and how hard it is (0 = trivial, 1 = very hard). */
export interface GeneratedPrompt {
  family: SyntheticFamily;
  text: string;
  difficulty: number;
}


type Template = (random: SeededRandom) => { text: string; difficulty: number };

const pick = <T>(random: SeededRandom, items: readonly T[]): T => items[random.int(items.length)]!;
const between = (random: SeededRandom, low: number, high: number): number => low + random.int(high - low + 1);
const clamp = (value: number): number => Math.min(1, Math.max(0, value));

const NAMES = ["Alice", "Bob", "Carmen", "Dmitri", "Esi", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam", "Mei", "Nadia", "Omar", "Priya"];
const ITEMS = ["apples", "books", "marbles", "stamps", "tickets", "cookies", "pencils", "coins", "shells", "stickers"];
const LANGUAGES = ["Python", "JavaScript", "TypeScript", "Go", "Rust", "Java", "C++", "Kotlin"];
const EASY_CODE = [
  "returns the sum of a list of numbers",
  "reverses a string",
  "checks whether a number is even",
  "counts the vowels in a word",
  "returns the largest element of an array",
  "converts Celsius to Fahrenheit",
  "removes duplicates from a list",
];
const MEDIUM_CODE = [
  "parses a CSV line that may contain quoted fields with commas",
  "merges two sorted arrays into one sorted array in linear time",
  "validates an email address and explains the edge cases",
  "finds the longest common prefix of a list of strings",
  "implements binary search and returns the insertion point",
  "groups a list of records by a key and sums a field",
];
const HARD_CODE = [
  "implements a thread-safe LRU cache with O(1) get and put, and explain the locking strategy",
  "implements a lock-free single-producer single-consumer ring buffer and prove it is free of data races",
  "parses and evaluates arithmetic expressions with operator precedence, unary minus and error recovery",
  "implements Dijkstra's algorithm with a binary heap and reconstructs the shortest path, with complexity analysis",
  "writes an async rate limiter with a token bucket that is fair under contention and handles cancellation",
  "implements a persistent red-black tree with structural sharing and analyse its amortized cost",
];
const EASY_TRIVIA = [
  "What is the capital of France?",
  "How many days are there in a week?",
  "What color do you get when you mix blue and yellow?",
  "Which planet do we live on?",
  "What is the largest ocean on Earth?",
  "How many legs does a spider have?",
  "What is the boiling point of water at sea level in Celsius?",
];
const MEDIUM_TRIVIA = [
  "Who wrote the novel 'One Hundred Years of Solitude'?",
  "What is the chemical symbol for tungsten?",
  "In which year did the Berlin Wall fall?",
  "Which element has the highest electronegativity?",
  "What is the capital of Kazakhstan?",
  "Who painted 'The Garden of Earthly Delights'?",
];
const HARD_TRIVIA = [
  "Which treaty ended the War of the Spanish Succession, and what territorial changes did it impose on Spain?",
  "What is the Chandrasekhar limit, and how is it derived from electron degeneracy pressure?",
  "Explain the difference between the Ramsey and the Kaldor growth models and their assumptions about savings.",
  "Which enzyme is deficient in Lesch-Nyhan syndrome, and what is the biochemical consequence?",
  "Summarize the main argument of Gödel's second incompleteness theorem and why it matters for Hilbert's program.",
  "What was decided at the Council of Chalcedon in 451, and why did it cause a schism?",
];
const CHAT = [
  "Hi! How are you today?",
  "Can you tell me a short joke?",
  "What's a good name for a golden retriever puppy?",
  "Say good morning to my team in a cheerful way.",
  "I'm bored. Suggest something fun to do this evening.",
  "Write a two-line birthday wish for my friend {name}.",
  "Thanks for your help yesterday, {name} says hi!",
  "Recommend a cozy movie for a rainy Sunday.",
];
const CHAT_HARDER = [
  "Write a heartfelt, specific apology to {name} for missing their wedding, without sounding formulaic.",
  "Draft a diplomatic reply to a colleague, {name}, who keeps taking credit for my work, keeping the relationship intact.",
  "Write a sonnet in iambic pentameter about {topic} with an ABAB CDCD EFEF GG rhyme scheme.",
];
const TOPICS = ["autumn", "the sea", "a lighthouse", "city lights", "an old library", "the first snow", "a train journey"];

const arithmetic: Template[] = [
  (random) => {
    const a = between(random, 1, 20);
    const b = between(random, 1, 20);
    return { text: `What is ${a} + ${b}?`, difficulty: 0.05 };
  },
  (random) => {
    const a = between(random, 2, 12);
    const b = between(random, 2, 12);
    return { text: pick(random, [`What is ${a} times ${b}?`, `Compute ${a} x ${b}.`, `Quick one: ${a}*${b}=?`]), difficulty: 0.1 };
  },
  (random) => {
    const a = between(random, 100, 9999);
    const b = between(random, 100, 9999);
    const digits = String(a * b).length;
    return { text: `Calculate ${a} * ${b} exactly and show the long multiplication.`, difficulty: clamp(0.25 + 0.05 * (digits - 4)) };
  },
  (random) => {
    const a = between(random, 1000, 99999);
    const b = between(random, 13, 97);
    const c = between(random, 2, 9);
    return { text: `Compute (${a} / ${b}) rounded to 4 decimal places, then raise the result to the power ${c}.`, difficulty: 0.6 };
  },
  (random) => {
    const n = between(random, 20, 200);
    return { text: `How many prime numbers are there below ${n * 50}? Explain the method you use to count them exactly.`, difficulty: clamp(0.65 + n / 1000) };
  },
  (random) => {
    const a = between(random, 2, 9);
    const b = between(random, 10, 60);
    return { text: `Find the last three digits of ${a}^${b * 37} using modular arithmetic, and justify each step.`, difficulty: 0.85 };
  },
];

const code: Template[] = [
  (random) => ({ text: `Write a ${pick(random, LANGUAGES)} function that ${pick(random, EASY_CODE)}.`, difficulty: 0.12 }),
  (random) => ({ text: `In ${pick(random, LANGUAGES)}, write a function that ${pick(random, MEDIUM_CODE)}. Include a few tests.`, difficulty: 0.45 }),
  (random) => ({ text: `Using ${pick(random, LANGUAGES)}, write code that ${pick(random, HARD_CODE)}.`, difficulty: 0.85 }),
  (random) => {
    const lines = between(random, 5, 80);
    return {
      text: `Here is a ${lines}-line ${pick(random, LANGUAGES)} module that sometimes deadlocks under load. What are the likely causes, and how would you find and fix the race condition?`,
      difficulty: clamp(0.6 + lines / 200),
    };
  },
  (random) => ({ text: `What does the ${pick(random, ["map", "filter", "zip", "len", "sort"])} function do in ${pick(random, ["Python", "JavaScript"])}?`, difficulty: 0.1 }),
];

const trivia: Template[] = [
  (random) => ({ text: pick(random, EASY_TRIVIA), difficulty: 0.05 }),
  (random) => ({ text: pick(random, MEDIUM_TRIVIA), difficulty: 0.4 }),
  (random) => ({ text: pick(random, HARD_TRIVIA), difficulty: 0.8 }),
  (random) => {
    const year = between(random, 1500, 1990);
    return { text: `Name one notable scientific discovery made in ${year} and explain its significance in detail.`, difficulty: clamp(0.55 + (1990 - year) / 1500) };
  },
];

const chitChat: Template[] = [
  (random) => ({ text: pick(random, CHAT).replace("{name}", pick(random, NAMES)), difficulty: 0.03 }),
  (random) => ({ text: pick(random, CHAT_HARDER).replace("{name}", pick(random, NAMES)).replace("{topic}", pick(random, TOPICS)), difficulty: 0.55 }),
];

const reasoning: Template[] = [
  (random) => {
    const name = pick(random, NAMES);
    const item = pick(random, ITEMS);
    const a = between(random, 3, 30);
    const b = between(random, 1, a - 1);
    return { text: `${name} has ${a} ${item} and gives ${b} away. How many ${item} does ${name} have left?`, difficulty: 0.08 };
  },
  (random) => {
    const steps = between(random, 2, 6);
    const name = pick(random, NAMES);
    const other = pick(random, NAMES.filter((candidate) => candidate !== name));
    const item = pick(random, ITEMS);
    const parts = [`${name} starts with ${between(random, 10, 90)} ${item}.`];
    for (let step = 0; step < steps; step++) {
      parts.push(
        pick(random, [
          `Then ${name} gives ${other} a third of what is left, rounded down.`,
          `Next, ${other} returns ${between(random, 1, 9)} ${item} to ${name}.`,
          `After that, ${name} doubles the number of ${item}.`,
          `Then ${name} loses ${between(random, 1, 5)} ${item} on the way home.`,
        ]),
      );
    }
    parts.push(`How many ${item} does ${name} have at the end? Reason step by step.`);
    return { text: parts.join(" "), difficulty: clamp(0.25 + 0.12 * steps) };
  },
  (random) => {
    const people = between(random, 3, 6);
    return {
      text: `${people} friends (${NAMES.slice(0, people).join(", ")}) sit around a round table. Each of them either always lies or always tells the truth, and each says the person on their left is a liar. How many truth-tellers can there be? Prove your answer.`,
      difficulty: clamp(0.6 + 0.06 * people),
    };
  },
  (random) => {
    const coins = between(random, 8, 40);
    return { text: `You have ${coins} coins and one is counterfeit (lighter). What is the minimum number of weighings on a balance scale needed to find it in the worst case? Explain the strategy.`, difficulty: 0.7 };
  },
];

const FAMILY_TEMPLATES: Record<SyntheticFamily, Template[]> = { arithmetic, code, trivia, "chit-chat": chitChat, reasoning };

/** How often each family occurs (chit-chat and trivia are common in real traffic). */
const FAMILY_WEIGHTS: [SyntheticFamily, number][] = [
  ["chit-chat", 0.22],
  ["trivia", 0.22],
  ["code", 0.2],
  ["arithmetic", 0.16],
  ["reasoning", 0.2],
];

const OPENERS = ["", "", "", "Hey! ", "Quick question: ", "Please help me with this. ", "Hi there! ", "I was wondering: ", "Could you help? ", "Hello! "];
const CLOSERS = ["", "", "", " Thanks!", " Keep it short.", " Please be precise.", " Thank you in advance.", " Explain your answer.", " :)"];

/** Draws one synthetic prompt: a family by its weight, then one of its templates, then the slots. */
export function generatePrompt(random: SeededRandom): GeneratedPrompt {
  let u = random.next();
  let family: SyntheticFamily = "reasoning";
  for (const [name, weight] of FAMILY_WEIGHTS) {
    if (u < weight) {
      family = name;
      break;
    }
    u -= weight;
  }
  const { text, difficulty } = pick(random, FAMILY_TEMPLATES[family])(random);
  return { family, text: `${pick(random, OPENERS)}${text}${pick(random, CLOSERS)}`, difficulty };
}
