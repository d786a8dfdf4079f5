/**
 * The characters that count as blank in a prompt: ECMAScript's WhiteSpace and LineTerminator (what
 * `String.prototype.trim` removes), i.e. tab, line feed, vertical tab, form feed, carriage return, space, U+00A0
 * (no-break space), U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF. One definition for
 * every package that rejects empty prompts (`@muffler/data` in SQL, `@muffler/embeddings` in JavaScript).
 */
export const BLANK_CHARACTERS: readonly string[] = [
  "\t", "\n", "\v", "\f", "\r", " ", "\u00a0", "\u1680",
  ...Array.from({ length: 11 }, (_, index) => String.fromCharCode(0x2000 + index)),
  "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff",
];

/** {@link BLANK_CHARACTERS} as an RE2 character class (`\x{XXXX}` escapes), for DuckDB's `regexp_full_match`. */
export const BLANK_CHARACTER_CLASS = `[${BLANK_CHARACTERS.map((character) => `\\x{${character.charCodeAt(0).toString(16).padStart(4, "0")}}`).join("")}]`;

const BLANK = new RegExp(`^[${BLANK_CHARACTERS.map((character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}]*$`, "u");

/** Whether `text` is empty or holds only {@link BLANK_CHARACTERS}: a prompt with nothing to route or embed. */
export function isBlankText(text: string): boolean {
  return BLANK.test(text);
}
