import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { MufflerError, sha256 } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";

const MAGIC = Buffer.from("MUFFLER-EMBEDDINGS-CACHE\n", "utf8");
const HASH_BYTES = 32;
const CHECKSUM_BYTES = 8;
const READ_RECORDS = 1024;

/** Options of `EmbeddingCache.open`. */
export interface EmbeddingCacheOptions {
  /** The cache folder (a run's `embeddings/cache` or a folder shared between runs). Created when missing. */
  directory: string;
  /** The embedder id the vectors belong to; entries of any other id are never returned. */
  embedderId: string;
  /** The vector length; entries of any other length are never returned. */
  dimension: number;
}

/** What the cache saw: entries usable, entries rejected as damaged or foreign, and traffic since it was opened. */
export interface EmbeddingCacheStats {
  /** Distinct text hashes with a valid vector. */
  entries: number;
  /** Segment files skipped whole: written for another embedder id or dimension, or with a damaged header. */
  rejectedFiles: number;
  /** Records skipped: bad checksum, non-finite values or a truncated tail. Their texts are embedded again. */
  rejectedRecords: number;
  hits: number;
  misses: number;
  written: number;
}

interface Location {
  file: number;
  offset: number;
}

/**
 * A persistent, content-addressed store of embeddings keyed by (embedder id, sha256 of the text).
 *
 * Layout: `<directory>/<embedder slug>-<sha256(id) prefix>/segment-*.bin`. Each segment starts with a header naming
 * the embedder id and dimension, then fixed-size records `[sha256(text) 32 B][dimension x float32 LE][checksum 8 B]`
 * (checksum: the first 8 bytes of sha256 of the record's hash and vector). Every process appends to a segment of its
 * own, so concurrent writers never interleave and a crash leaves at most a truncated last record, which is detected
 * and ignored like any record whose checksum fails. Only an index (hash -> file, offset) lives in memory; vectors
 * are read from disk on demand, so memory stays bounded however large the cache grows.
 */
export class EmbeddingCache {
  readonly embedderId: string;
  readonly dimension: number;
  /** The folder of this embedder's segments. */
  readonly directory: string;
  readonly #index = new Map<string, Location>();
  readonly #files: FileHandle[] = [];
  readonly #recordBytes: number;
  #writer: { handle: FileHandle; file: number; size: number } | undefined;
  #stats: EmbeddingCacheStats = { entries: 0, rejectedFiles: 0, rejectedRecords: 0, hits: 0, misses: 0, written: 0 };

  private constructor(options: EmbeddingCacheOptions, directory: string) {
    this.embedderId = options.embedderId;
    this.dimension = options.dimension;
    this.directory = directory;
    this.#recordBytes = HASH_BYTES + options.dimension * 4 + CHECKSUM_BYTES;
  }

  /** Opens (or creates) the cache of one embedder in `directory`, validating every segment and record. */
  static async open(options: EmbeddingCacheOptions): Promise<EmbeddingCache> {
    if (!Number.isInteger(options.dimension) || options.dimension < 1) {
      throw new MufflerError(`the cache needs a positive integer dimension, got ${String(options.dimension)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "dimension" });
    }
    const slug = options.embedderId.replace(/[^A-Za-z0-9.-]+/g, "_").slice(0, 40);
    const directory = join(options.directory, `${slug}-${sha256(options.embedderId).slice(0, 16)}`);
    try {
      await mkdir(directory, { recursive: true });
    } catch (error) {
      throw new MufflerError(`cannot create the embedding cache folder: ${(error as Error).message}`, {
        code: EMBEDDINGS_ERROR_CODES.badCache,
        file: directory,
        cause: error,
        hint: "Choose a writable --cache folder.",
      });
    }
    const cache = new EmbeddingCache(options, directory);
    const names = (await readdir(directory)).filter((name) => name.startsWith("segment-") && name.endsWith(".bin")).sort();
    for (const name of names) await cache.#load(join(directory, name));
    return cache;
  }

  /** Counts since opening, and the damaged or foreign data that was skipped. */
  get stats(): EmbeddingCacheStats {
    return { ...this.#stats, entries: this.#index.size };
  }

  /** Whether a valid vector for this text hash is stored. */
  has(textHash: string): boolean {
    return this.#index.has(textHash);
  }

  /**
   * The stored vectors of `textHashes` (sha256 hex of each text), `undefined` where none is stored or the record
   * turns out damaged on reading (it is then forgotten, so that the text is embedded again).
   */
  async getMany(textHashes: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const result: (Float32Array | undefined)[] = [];
    const buffer = Buffer.alloc(this.#recordBytes);
    for (const hash of textHashes) {
      const location = this.#index.get(hash);
      let vector: Float32Array | undefined;
      if (location) {
        const { bytesRead } = await this.#files[location.file]!.read(buffer, 0, this.#recordBytes, location.offset);
        vector = bytesRead === this.#recordBytes ? this.#decode(buffer, 0, hash) : undefined;
        if (!vector) {
          this.#index.delete(hash);
          this.#stats.rejectedRecords++;
        }
      }
      if (vector) this.#stats.hits++;
      else this.#stats.misses++;
      result.push(vector);
    }
    return result;
  }

  /** Stores vectors (appended to this process's segment and flushed to disk before it returns). */
  async putMany(entries: readonly { textHash: string; vector: Float32Array }[]): Promise<void> {
    if (entries.length === 0) return;
    const writer = await this.#openWriter();
    const records = Buffer.alloc(this.#recordBytes * entries.length);
    entries.forEach(({ textHash, vector }, index) => {
      if (vector.length !== this.dimension) {
        throw new MufflerError(`cannot cache a ${vector.length}-d vector in a ${this.dimension}-d cache.`, { code: EMBEDDINGS_ERROR_CODES.badCache, kind: "internal" });
      }
      const offset = index * this.#recordBytes;
      records.write(textHash, offset, HASH_BYTES, "hex");
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(records, offset + HASH_BYTES);
      checksum(records, offset, this.#recordBytes - CHECKSUM_BYTES).copy(records, offset + this.#recordBytes - CHECKSUM_BYTES);
    });
    await writer.handle.write(records, 0, records.length, writer.size);
    await writer.handle.datasync();
    entries.forEach(({ textHash }, index) => this.#index.set(textHash, { file: writer.file, offset: writer.size + index * this.#recordBytes }));
    writer.size += records.length;
    this.#stats.written += entries.length;
  }

  /** Closes the segment files. */
  async close(): Promise<void> {
    await Promise.all(this.#files.map((handle) => handle.close()));
    this.#files.length = 0;
    this.#writer = undefined;
    this.#index.clear();
  }

  async #openWriter(): Promise<{ handle: FileHandle; file: number; size: number }> {
    if (this.#writer) return this.#writer;
    const name = `segment-${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString("hex")}.bin`;
    const handle = await open(join(this.directory, name), "w+");
    const header = encodeHeader(this.embedderId, this.dimension);
    await handle.write(header, 0, header.length, 0);
    this.#files.push(handle);
    this.#writer = { handle, file: this.#files.length - 1, size: header.length };
    return this.#writer;
  }

  async #load(path: string): Promise<void> {
    const handle = await open(path, "r");
    const size = (await stat(path)).size;
    const probe = Buffer.alloc(Math.min(size, 64 * 1024));
    await handle.read(probe, 0, probe.length, 0);
    const header = decodeHeader(probe);
    if (!header || header.embedderId !== this.embedderId || header.dimension !== this.dimension) {
      this.#stats.rejectedFiles++;
      await handle.close();
      return;
    }
    const file = this.#files.push(handle) - 1;
    const buffer = Buffer.alloc(this.#recordBytes * READ_RECORDS);
    for (let position = header.length; position < size; ) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const whole = Math.floor(bytesRead / this.#recordBytes);
      for (let record = 0; record < whole; record++) {
        const offset = record * this.#recordBytes;
        const hash = buffer.toString("hex", offset, offset + HASH_BYTES);
        if (this.#decode(buffer, offset, hash)) this.#index.set(hash, { file, offset: position + offset });
        else this.#stats.rejectedRecords++;
      }
      if (whole === 0) {
        // A truncated last record (a crash while appending).
        this.#stats.rejectedRecords++;
        break;
      }
      position += whole * this.#recordBytes;
    }
  }

  #decode(buffer: Buffer, offset: number, hash: string): Float32Array | undefined {
    const end = offset + this.#recordBytes;
    if (buffer.toString("hex", offset, offset + HASH_BYTES) !== hash) return undefined;
    if (!checksum(buffer, offset, this.#recordBytes - CHECKSUM_BYTES).equals(buffer.subarray(end - CHECKSUM_BYTES, end))) return undefined;
    const vector = new Float32Array(this.dimension);
    Buffer.from(vector.buffer).set(buffer.subarray(offset + HASH_BYTES, end - CHECKSUM_BYTES));
    for (let index = 0; index < vector.length; index++) if (!Number.isFinite(vector[index])) return undefined;
    return vector;
  }
}

function checksum(buffer: Buffer, offset: number, length: number): Buffer {
  return createHash("sha256").update(buffer.subarray(offset, offset + length)).digest().subarray(0, CHECKSUM_BYTES);
}

function encodeHeader(embedderId: string, dimension: number): Buffer {
  const json = Buffer.from(JSON.stringify({ format: "muffler-embedding-cache", version: 1, embedderId, dimension }), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([MAGIC, length, json]);
}

function decodeHeader(buffer: Buffer): { embedderId: string; dimension: number; length: number } | undefined {
  if (buffer.length < MAGIC.length + 4 || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const jsonLength = buffer.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + jsonLength > buffer.length) return undefined;
  try {
    const header = JSON.parse(buffer.toString("utf8", start, start + jsonLength)) as { format?: unknown; version?: unknown; embedderId?: unknown; dimension?: unknown };
    if (header.format !== "muffler-embedding-cache" || header.version !== 1 || typeof header.embedderId !== "string" || typeof header.dimension !== "number") return undefined;
    return { embedderId: header.embedderId, dimension: header.dimension, length: start + jsonLength };
  } catch {
    return undefined;
  }
}
