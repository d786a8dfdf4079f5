import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SeededRandom } from "@muffler/core";
import { encodeOnnxModel } from "../internal/onnx-writer.ts";

/** The vocabulary of the tiny BERT-shaped model: special tokens, whole words and two word pieces. */
export const TINY_VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "capital", "of", "france", "is", "paris", "what", "?", ".", "route", "##r", "##s", "model", "a", "strong", "weak"];
export const TINY_HIDDEN = 8;

export interface TinyBert {
  directory: string;
  /** [vocabulary x hidden] token embeddings. */
  tokenEmbeddings: Float32Array;
  /** [2 x hidden] token type embeddings. */
  typeEmbeddings: Float32Array;
  maxTokens: number;
}

/**
 * Writes a sentence-transformers-style ONNX folder (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx) whose "encoder" is last_hidden_state = E[input_ids] + T[token_type_ids]: small enough to check
 * tokenization, pooling and normalization by hand. The [PAD] row is not zero, so pooling that ignores the attention
 * mask gives different vectors.
 */
export async function writeTinyBert(directory: string, maxTokens = 16): Promise<TinyBert> {
  const random = new SeededRandom(7);
  const tokenEmbeddings = Float32Array.from({ length: TINY_VOCABULARY.length * TINY_HIDDEN }, () => random.normal());
  const typeEmbeddings = Float32Array.from({ length: 2 * TINY_HIDDEN }, () => random.normal() * 0.1);
  const model = encodeOnnxModel({
    nodes: [
      { op: "Gather", inputs: ["token_embeddings", "input_ids"], outputs: ["words"], attributes: { axis: 0 } },
      { op: "Gather", inputs: ["type_embeddings", "token_type_ids"], outputs: ["types"], attributes: { axis: 0 } },
      { op: "Add", inputs: ["words", "types"], outputs: ["last_hidden_state"] },
    ],
    initializers: [
      { name: "token_embeddings", type: "float", dims: [TINY_VOCABULARY.length, TINY_HIDDEN], data: tokenEmbeddings },
      { name: "type_embeddings", type: "float", dims: [2, TINY_HIDDEN], data: typeEmbeddings },
    ],
    inputs: [
      { name: "input_ids", type: "int64", dims: ["batch", "sequence"] },
      { name: "attention_mask", type: "int64", dims: ["batch", "sequence"] },
      { name: "token_type_ids", type: "int64", dims: ["batch", "sequence"] },
    ],
    outputs: [{ name: "last_hidden_state", type: "float", dims: ["batch", "sequence", TINY_HIDDEN] }],
  });
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizer = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: TINY_VOCABULARY.slice(0, 5).map((token, id) => special(id, token)),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [2], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [3], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_VOCABULARY.map((token, id) => [token, id])),
    },
  };
  const tokenizerConfig = {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    model_max_length: maxTokens,
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    mask_token: "[MASK]",
  };
  const config = {
    architectures: ["BertModel"],
    model_type: "bert",
    hidden_size: TINY_HIDDEN,
    num_attention_heads: 1,
    num_hidden_layers: 1,
    intermediate_size: 16,
    max_position_embeddings: 64,
    type_vocab_size: 2,
    vocab_size: TINY_VOCABULARY.length,
  };
  await mkdir(join(directory, "onnx"), { recursive: true });
  await writeFile(join(directory, "onnx", "model.onnx"), model);
  await writeFile(join(directory, "tokenizer.json"), JSON.stringify(tokenizer));
  await writeFile(join(directory, "tokenizer_config.json"), JSON.stringify(tokenizerConfig));
  await writeFile(join(directory, "config.json"), JSON.stringify(config));
  return { directory, tokenEmbeddings, typeEmbeddings, maxTokens };
}
