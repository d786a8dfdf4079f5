/** One vocabulary entry of USE-lite's SentencePiece model: the piece and its log-probability score. */
export type VocabularyEntry = readonly [piece: string, score: number];

const WORD_START = "\u2581";
/** The first entries (unknown, <s>, </s>, extra ids) are never matched against text. */
const RESERVED_PIECES = 6;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary index of the piece that ends here, or -1. */
  index: number;
}

/**
 * The unigram SentencePiece tokenizer of Universal Sentence Encoder Lite, token for token the same as the one in
 * `@energetic-ai/embeddings` (and tfjs-models' universal-sentence-encoder), including its tie-breaking and the way it
 * merges runs of unknown pieces, but linear in the text length (the reference copies the rest of the text at every
 * position, which is quadratic and takes minutes on a 100 kB prompt).
 */
export class SentencePieceTokenizer {
  readonly #vocabulary: readonly VocabularyEntry[];
  readonly #root: TrieNode = { children: new Map(), index: -1 };

  constructor(vocabulary: readonly VocabularyEntry[]) {
    this.#vocabulary = vocabulary;
    for (let index = RESERVED_PIECES; index < vocabulary.length; index++) {
      let node = this.#root;
      for (const symbol of vocabulary[index]![0]) {
        let child = node.children.get(symbol);
        if (!child) {
          child = { children: new Map(), index: -1 };
          node.children.set(symbol, child);
        }
        node = child;
      }
      node.index = index;
    }
  }

  /**
   * Token ids of `text`. With `maxSymbols`, only the first `maxSymbols` code points (after NFKC normalization and
   * the word-start marker) are tokenized.
   */
  encode(text: string, maxSymbols = Number.POSITIVE_INFINITY): number[] {
    const normalized = text.normalize("NFKC");
    if (normalized.length === 0) return [];
    const symbols = Array.from(WORD_START + normalized.replace(/ /g, WORD_START));
    if (symbols.length > maxSymbols) symbols.length = maxSymbols;
    const length = symbols.length;
    // candidates[end] lists the pieces ending at `end`, by increasing start (the reference's visiting order).
    const candidateStarts: number[][] = Array.from({ length: length + 1 }, () => []);
    const candidateIndices: number[][] = Array.from({ length: length + 1 }, () => []);
    for (let start = 0; start < length; start++) {
      let node = this.#root.children.get(symbols[start]!);
      let matched = false;
      for (let position = start; node; ) {
        if (node.index >= 0) {
          candidateStarts[position + 1]!.push(start);
          candidateIndices[position + 1]!.push(node.index);
          matched = true;
        }
        position++;
        node = position < length ? node.children.get(symbols[position]!) : undefined;
      }
      if (!matched) {
        // An unknown symbol: a one-symbol piece with id 0 and score 0.
        candidateStarts[start + 1]!.push(start);
        candidateIndices[start + 1]!.push(-1);
      }
    }
    const best = new Float64Array(length + 1);
    const words = new Int32Array(length + 1);
    for (let end = 0; end <= length; end++) {
      const starts = candidateStarts[end]!;
      const indices = candidateIndices[end]!;
      for (let candidate = 0; candidate < starts.length; candidate++) {
        const index = indices[candidate]!;
        const score = (index < 0 ? 0 : this.#vocabulary[index]![1]) + best[starts[candidate]!]!;
        if (best[end] === 0 || score >= best[end]!) {
          best[end] = score;
          words[end] = index < 0 ? 0 : index;
        }
      }
    }
    const reversed: number[] = [];
    for (let position = length; position > 0; ) {
      const id = words[position]!;
      reversed.push(id);
      // As the reference: step back by the piece's UTF-16 length.
      position -= this.#vocabulary[id]![0].length;
    }
    const ids: number[] = [];
    let previousUnknown = false;
    for (const id of reversed) {
      if (!(previousUnknown && id === 0)) ids.push(id);
      previousUnknown = id === 0;
    }
    return ids.reverse();
  }
}
