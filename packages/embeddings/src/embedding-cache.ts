import { createHash, randomBytes } from "node:crypto";
import { appendFile, open, readdir, readFile, rm, stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { ensureDirectory, fileSystemError, isMufflerError, isProcessAlive, MufflerError, sha256, withAtomicPath } from "@muffler/core";
import { EMBEDDINGS_ERROR_CODES } from "./errors.ts";
import { CacheLock } from "./internal/cache-lock.ts";

const MAGIC = Buffer.from("MUFFLER-EMBEDDINGS-CACHE\n", "utf8");
const HASH_BYTES = 32;
const CHECKSUM_BYTES = 8;
const READ_RECORDS = 1024;
const SEGMENT_NAME = /^segment-.*\.bin$/;

/** The pid of the process that wrote a segment (from its name `segment-<time>-<pid>-<hex>.bin`); 0 when unknown. */
function writerPid(name: string): number {
  const match = /-(\d+)-[0-9a-f]{8}\.bin$/.exec(name);
  return match ? Number(match[1]) : 0;
}

/** Options of `EmbeddingCache.open`. */
export interface EmbeddingCacheOptions {
  /** The cache folder (a run's `embeddings/cache` or a folder shared between runs). Created when missing. */
  directory: string;
  /** The embedder id the vectors belong to; entries of any other id are never returned. */
  embedderId: string;
  /** The vector length; entries of any other length are never returned. */
  dimension: number;
  /**
   * Compact (merge every finished segment into one) when `open` finds more segments than this.
   * @default 16
   */
  maxSegments?: number;
  /**
   * How long to wait while another process holds the cache's lock without progress (the same holder all along)
   * before failing with `embeddings/cache-locked`. A holder that dies is noticed at once (its pid is checked).
   * @default 600000
   */
  lockTimeoutMs?: number;
}

/** What the cache saw: entries usable, entries rejected as damaged or foreign, and traffic since it was opened. */
export interface EmbeddingCacheStats {
  /** Distinct text hashes with a valid vector. */
  entries: number;
  /** Segment files of this embedder's folder that are read. */
  segments: number;
  /** Segment files skipped whole: written for another embedder id or dimension, or with a damaged header. */
  rejectedFiles: number;
  /** Records skipped: bad checksum, non-finite values or a truncated tail. Their texts are embedded again. */
  rejectedRecords: number;
  hits: number;
  misses: number;
  written: number;
}

/** A model call's texts (their sha256), in the order the embedder ran them, and the batch size it was given. */
export interface CacheBatch {
  batchSize: number;
  members: string[];
}

/** What `compact` did. */
export interface CompactionResult {
  embedderId: string;
  directory: string;
  segmentsBefore: number;
  segmentsAfter: number;
  /** Records written to the compacted segment (one per text). */
  records: number;
  bytesBefore: number;
  bytesAfter: number;
}

interface Segment {
  name: string;
  /** Bytes indexed so far (the header and whole records); a refresh reads on from here. */
  indexed: number;
  headerBytes: number;
}

interface Location {
  segment: string;
  offset: number;
}

/**
 * A persistent, content-addressed store of embeddings keyed by (embedder id, sha256 of the text).
 *
 * Layout: `<directory>/<embedder slug>-<sha256(id) prefix>/segment-<time>-<pid>-<hex>.bin`. Each segment starts with
 * a header naming the embedder id and dimension, then fixed-size records `[sha256(text) 32 B][dimension x float32
 * LE][checksum 8 B]` (checksum: the first 8 bytes of sha256 of the record's hash and vector). Beside a segment,
 * `<segment>.batches` lists the model calls its vectors came from (`<batch size> <hash> <hash> ...` per line), so that
 * a damaged record can be recomputed in its original batch, giving the same bits (see `cached-embedder.ts`).
 *
 * Each process appends to a segment of its own, under the folder's lock (`lock`, holding the writer's pid), so
 * concurrent writers never interleave, take turns, and see what the other wrote (`refresh`). A crash leaves at most a
 * truncated last record, detected and ignored like any record whose checksum fails. Only an index
 * (hash -> segment, offset) lives in memory; vectors are read from disk on demand, opening one segment at a time,
 * so memory and open files stay bounded however large the cache grows (at most the writer's handle and one reader).
 * Segments pile up one per process: `compact` merges the finished ones (of processes no longer running) into one,
 * automatically when `open` finds more than `maxSegments`.
 */
export class EmbeddingCache {
  readonly embedderId: string;
  readonly dimension: number;
  /** The folder of this embedder's segments. */
  readonly directory: string;
  readonly #index = new Map<string, Location>();
  readonly #segments = new Map<string, Segment>();
  readonly #recordBytes: number;
  readonly #lock: CacheLock;
  #writer: { name: string; handle: FileHandle; size: number; headerBytes: number } | undefined;
  #stats = { rejectedFiles: 0, rejectedRecords: 0, hits: 0, misses: 0, written: 0 };
  readonly #rejectedFiles = new Set<string>();

  private constructor(options: EmbeddingCacheOptions, directory: string) {
    this.embedderId = options.embedderId;
    this.dimension = options.dimension;
    this.directory = directory;
    this.#recordBytes = HASH_BYTES + options.dimension * 4 + CHECKSUM_BYTES;
    this.#lock = new CacheLock({ path: join(directory, "lock"), timeoutMs: options.lockTimeoutMs ?? 600_000 });
  }

  /** The folder `open` uses for an embedder id inside a cache folder. */
  static folderFor(directory: string, embedderId: string): string {
    const slug = embedderId.replace(/[^A-Za-z0-9.-]+/g, "_").slice(0, 40);
    return join(directory, `${slug}-${sha256(embedderId).slice(0, 16)}`);
  }

  /** Opens (or creates) the cache of one embedder in `directory`, validating every segment and record. */
  static async open(options: EmbeddingCacheOptions): Promise<EmbeddingCache> {
    if (!Number.isInteger(options.dimension) || options.dimension < 1) {
      throw new MufflerError(`the cache needs a positive integer dimension, got ${String(options.dimension)}.`, { code: EMBEDDINGS_ERROR_CODES.badOption, field: "dimension" });
    }
    const directory = EmbeddingCache.folderFor(options.directory, options.embedderId);
    try {
      await ensureDirectory(directory);
    } catch (error) {
      if (isMufflerError(error) && error.code !== "core/not-a-directory") throw error;
      throw new MufflerError(`cannot create the embedding cache folder: ${(error as Error).message}`, {
        code: EMBEDDINGS_ERROR_CODES.badCache,
        file: directory,
        cause: error,
        hint: "Choose a writable --cache folder.",
      });
    }
    const cache = new EmbeddingCache(options, directory);
    await cache.refresh();
    if (cache.#segments.size > (options.maxSegments ?? 16)) {
      // Housekeeping, not the caller's work: a cache on a read-only or full disk is still read.
      await cache.compact().catch((error: unknown) => {
        if (!isMufflerError(error) || !String(error.code).startsWith("core/")) throw error;
      });
    }
    return cache;
  }

  /** Counts since opening, and the damaged or foreign data that was skipped. */
  get stats(): EmbeddingCacheStats {
    return { ...this.#stats, entries: this.#index.size, segments: this.#segments.size };
  }

  /** Whether a valid vector for this text hash is stored. */
  has(textHash: string): boolean {
    return this.#index.has(textHash);
  }

  /**
   * Runs `work` holding the folder's lock (other processes' writers and compactions wait; re-entrant within this
   * cache). `putMany` and `compact` take it themselves; hold it around "check what is missing, compute it, store it"
   * so that concurrent writers do not compute the same texts.
   */
  async withLock<T>(work: () => Promise<T>): Promise<T> {
    return this.#lock.hold(work);
  }

  /**
   * Reads what other processes appended (and new segments) since the last look. A segment that disappeared
   * (compacted by another process) makes the whole index be rebuilt.
   */
  async refresh(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.directory)).filter((name) => SEGMENT_NAME.test(name)).sort();
    } catch (error) {
      throw fileSystemError(error, { path: this.directory, action: "read" }) ?? error;
    }
    const present = new Set(names);
    if ([...this.#segments.keys()].some((name) => !present.has(name))) {
      this.#index.clear();
      this.#segments.clear();
    }
    for (const name of names) {
      if (this.#rejectedFiles.has(name)) continue;
      await this.#load(name);
    }
  }

  /**
   * The stored vectors of `textHashes` (sha256 hex of each text), `undefined` where none is stored or the record
   * turns out damaged on reading (it is then forgotten, so that the text is embedded again).
   */
  async getMany(textHashes: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const result: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(textHashes.length).fill(undefined);
    let wanted = textHashes.map((hash, position) => ({ hash, position })).filter(({ hash }) => this.#index.has(hash));
    for (let attempt = 0; attempt < 2 && wanted.length > 0; attempt++) {
      const gone = await this.#read(wanted, result);
      if (gone.length === 0) break;
      // Another process compacted the segments away meanwhile: look again.
      await this.refresh();
      wanted = gone.filter(({ hash }) => this.#index.has(hash));
    }
    for (const vector of result) {
      if (vector) this.#stats.hits++;
      else this.#stats.misses++;
    }
    return result;
  }

  async #read(wanted: { hash: string; position: number }[], result: (Float32Array | undefined)[]): Promise<{ hash: string; position: number }[]> {
    const bySegment = new Map<string, { hash: string; position: number; offset: number }[]>();
    for (const { hash, position } of wanted) {
      const location = this.#index.get(hash)!;
      const list = bySegment.get(location.segment) ?? [];
      list.push({ hash, position, offset: location.offset });
      bySegment.set(location.segment, list);
    }
    const gone: { hash: string; position: number }[] = [];
    const buffer = Buffer.alloc(this.#recordBytes);
    for (const [segment, entries] of bySegment) {
      let handle: FileHandle;
      const own = this.#writer?.name === segment;
      try {
        handle = own ? this.#writer!.handle : await open(join(this.directory, segment), "r");
      } catch (error) {
        if ((error as { code?: unknown }).code === "ENOENT") {
          gone.push(...entries);
          continue;
        }
        throw fileSystemError(error, { path: join(this.directory, segment), action: "read" }) ?? error;
      }
      try {
        entries.sort((a, b) => a.offset - b.offset);
        for (const { hash, position, offset } of entries) {
          const { bytesRead } = await handle.read(buffer, 0, this.#recordBytes, offset);
          const vector = bytesRead === this.#recordBytes ? this.#decode(buffer, 0, hash) : undefined;
          if (vector) result[position] = vector;
          else {
            this.#index.delete(hash);
            this.#stats.rejectedRecords++;
          }
        }
      } finally {
        if (!own) await handle.close();
      }
    }
    return gone;
  }

  /**
   * Stores vectors (appended to this process's segment and flushed to disk before it returns), with the model calls
   * they came from. On failure (a full disk) the segment is cut back to what it held, so no partial record stays.
   */
  async putMany(entries: readonly { textHash: string; vector: Float32Array }[], options: { batches?: readonly CacheBatch[] } = {}): Promise<void> {
    if (entries.length === 0) return;
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
    await this.withLock(async () => {
      const writer = await this.#openWriter();
      const path = join(this.directory, writer.name);
      try {
        if (options.batches && options.batches.length > 0) {
          await appendFile(`${path}.batches`, options.batches.map((batch) => `${batch.batchSize} ${batch.members.join(" ")}\n`).join(""));
        }
        // A write may be short (a disk filling up); the next one then says why.
        for (let offset = 0; offset < records.length; ) {
          const { bytesWritten } = await writer.handle.write(records, offset, records.length - offset, writer.size + offset);
          offset += bytesWritten;
        }
        await writer.handle.datasync();
      } catch (error) {
        await this.#cutBack(writer);
        throw fileSystemError(error, { path, action: "write" }) ?? error;
      }
      entries.forEach(({ textHash }, index) => this.#index.set(textHash, { segment: writer.name, offset: writer.size + index * this.#recordBytes }));
      writer.size += records.length;
      this.#segments.get(writer.name)!.indexed = writer.size;
      this.#stats.written += entries.length;
    });
  }

  /**
   * The batches recorded for `textHashes` (each hash's model call: its batch size and members in order), read from
   * the `.batches` files. Used to recompute a lost record in its own batch.
   */
  async batchesOf(textHashes: ReadonlySet<string>): Promise<Map<string, CacheBatch>> {
    const found = new Map<string, CacheBatch>();
    if (textHashes.size === 0) return found;
    for (const name of this.#segments.keys()) {
      let text: string;
      try {
        text = await readFile(join(this.directory, `${name}.batches`), "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n")) {
        const [size, ...members] = line.trim().split(" ");
        if (size === undefined || members.length === 0 || !members.some((member) => textHashes.has(member))) continue;
        const batch = { batchSize: Number(size), members };
        if (!Number.isInteger(batch.batchSize) || batch.batchSize < 1 || members.some((member) => !/^[0-9a-f]{64}$/.test(member))) continue;
        for (const member of members) if (textHashes.has(member) && !found.has(member)) found.set(member, batch);
      }
    }
    return found;
  }

  /**
   * Merges the segments of processes that are no longer running (and this one's) into one segment holding each
   * valid record once, with their batches, then removes them. Segments of other running processes are left (they may
   * be appending). Written atomically under the lock: a crash leaves the old segments, a reader that held an old
   * segment's position looks again.
   */
  async compact(): Promise<CompactionResult> {
    return this.withLock(async () => {
      await this.refresh();
      const merged = [...this.#segments.keys()].filter((name) => {
        const pid = writerPid(name);
        return pid === process.pid || !isProcessAlive(pid);
      });
      const sizeOf = async (name: string) => (await stat(join(this.directory, name)).catch(() => ({ size: 0 }))).size;
      let bytesBefore = 0;
      for (const name of this.#segments.keys()) bytesBefore += await sizeOf(name);
      const result: CompactionResult = {
        embedderId: this.embedderId,
        directory: this.directory,
        segmentsBefore: this.#segments.size,
        segmentsAfter: this.#segments.size,
        records: 0,
        bytesBefore,
        bytesAfter: bytesBefore,
      };
      const mergedSet = new Set(merged);
      const hashes = [...this.#index.entries()].filter(([, location]) => mergedSet.has(location.segment)).map(([hash]) => hash);
      if (merged.length < 2) return result;
      const vectors: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(hashes.length).fill(undefined);
      await this.#read(hashes.map((hash, position) => ({ hash, position })), vectors);
      const batchLines = new Set<string>();
      for (const name of merged) {
        const text = await readFile(join(this.directory, `${name}.batches`), "utf8").catch(() => "");
        for (const line of text.split("\n")) if (line.trim() !== "") batchLines.add(line.trim());
      }
      const name = segmentName();
      const path = join(this.directory, name);
      const kept = hashes.map((hash, index) => ({ textHash: hash, vector: vectors[index] })).filter((entry): entry is { textHash: string; vector: Float32Array } => entry.vector !== undefined);
      const header = encodeHeader(this.embedderId, this.dimension);
      const body = Buffer.alloc(header.length + kept.length * this.#recordBytes);
      header.copy(body, 0);
      kept.forEach(({ textHash, vector }, index) => {
        const offset = header.length + index * this.#recordBytes;
        body.write(textHash, offset, HASH_BYTES, "hex");
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(body, offset + HASH_BYTES);
        checksum(body, offset, this.#recordBytes - CHECKSUM_BYTES).copy(body, offset + this.#recordBytes - CHECKSUM_BYTES);
      });
      if (batchLines.size > 0) await withAtomicPath(`${path}.batches`, (temporary) => writeSynced(temporary, `${[...batchLines].join("\n")}\n`));
      await withAtomicPath(path, (temporary) => writeSynced(temporary, body));
      if (this.#writer && mergedSet.has(this.#writer.name)) {
        await this.#writer.handle.close();
        this.#writer = undefined;
      }
      for (const old of merged) {
        await rm(join(this.directory, old), { force: true });
        await rm(join(this.directory, `${old}.batches`), { force: true });
      }
      this.#index.clear();
      this.#segments.clear();
      await this.refresh();
      let bytesAfter = 0;
      for (const segment of this.#segments.keys()) bytesAfter += await sizeOf(segment);
      return { ...result, segmentsAfter: this.#segments.size, records: kept.length, bytesAfter };
    });
  }

  /** Closes the segment being written. */
  async close(): Promise<void> {
    await this.#writer?.handle.close();
    this.#writer = undefined;
    this.#index.clear();
    this.#segments.clear();
  }

  async #openWriter(): Promise<{ name: string; handle: FileHandle; size: number; headerBytes: number }> {
    if (this.#writer) return this.#writer;
    const name = segmentName();
    const path = join(this.directory, name);
    const header = encodeHeader(this.embedderId, this.dimension);
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, "wx+");
      await handle.write(header, 0, header.length, 0);
    } catch (error) {
      await handle?.close();
      await rm(path, { force: true });
      throw fileSystemError(error, { path, action: "write" }) ?? error;
    }
    this.#writer = { name, handle, size: header.length, headerBytes: header.length };
    this.#segments.set(name, { name, indexed: header.length, headerBytes: header.length });
    return this.#writer;
  }

  /** After a failed append: the segment back to its last whole record, or removed when it holds none. */
  async #cutBack(writer: { name: string; handle: FileHandle; size: number; headerBytes: number }): Promise<void> {
    const path = join(this.directory, writer.name);
    try {
      if (writer.size === writer.headerBytes) {
        await writer.handle.close();
        this.#writer = undefined;
        this.#segments.delete(writer.name);
        await rm(path, { force: true });
        await rm(`${path}.batches`, { force: true });
      } else {
        await writer.handle.truncate(writer.size);
      }
    } catch {
      // The disk may refuse even this; the checksums still reject a partial record.
    }
  }

  async #load(name: string): Promise<void> {
    const path = join(this.directory, name);
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return;
      throw fileSystemError(error, { path, action: "read" }) ?? error;
    }
    try {
      const size = (await handle.stat()).size;
      let segment = this.#segments.get(name);
      if (!segment) {
        const probe = Buffer.alloc(Math.min(size, 64 * 1024));
        await handle.read(probe, 0, probe.length, 0);
        const header = decodeHeader(probe);
        if (!header || header.embedderId !== this.embedderId || header.dimension !== this.dimension) {
          // A header still being written by another process is not rejected for good.
          if (size >= MAGIC.length + 4 + 16) {
            this.#stats.rejectedFiles++;
            this.#rejectedFiles.add(name);
          }
          return;
        }
        segment = { name, indexed: header.length, headerBytes: header.length };
        this.#segments.set(name, segment);
      }
      const buffer = Buffer.alloc(this.#recordBytes * READ_RECORDS);
      let position = segment.indexed;
      while (position + this.#recordBytes <= size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
        const whole = Math.floor(bytesRead / this.#recordBytes);
        if (whole === 0) break;
        for (let record = 0; record < whole; record++) {
          const offset = record * this.#recordBytes;
          const hash = buffer.toString("hex", offset, offset + HASH_BYTES);
          if (this.#decode(buffer, offset, hash)) this.#index.set(hash, { segment: name, offset: position + offset });
          else this.#stats.rejectedRecords++;
        }
        position += whole * this.#recordBytes;
      }
      // A truncated last record (a crash while appending) of a segment no running process writes (a running writer
      // may be appending right now: its tail is read on the next refresh).
      const pid = writerPid(name);
      if (position < size && this.#writer?.name !== name && (pid === process.pid || !isProcessAlive(pid))) {
        this.#stats.rejectedRecords++;
        position = size;
      }
      segment.indexed = position;
    } finally {
      await handle.close();
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

/**
 * Reads the embedder id and dimension from a segment's header (for tools that compact a folder without knowing its
 * embedders); `undefined` when the file is not a segment.
 */
export async function readSegmentHeader(path: string): Promise<{ embedderId: string; dimension: number } | undefined> {
  const handle = await open(path, "r");
  try {
    const probe = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
    const header = decodeHeader(probe.subarray(0, bytesRead));
    return header && { embedderId: header.embedderId, dimension: header.dimension };
  } finally {
    await handle.close();
  }
}

export { SEGMENT_NAME };

function segmentName(): string {
  return `segment-${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString("hex")}.bin`;
}

async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
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
