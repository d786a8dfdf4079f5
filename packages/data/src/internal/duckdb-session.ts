import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader } from "@duckdb/node-api";

/** A single-use in-memory DuckDB database and connection. Close it when done. */
export class DuckDbSession {
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance;
    this.#connection = connection;
  }

  /** Opens an in-memory database. `threads` defaults to DuckDB's own choice (one per core). */
  static async open(options: { threads?: number } = {}): Promise<DuckDbSession> {
    const settings: Record<string, string> = {};
    if (options.threads !== undefined) settings["threads"] = String(options.threads);
    // Loaded on first use: the native library takes a noticeable part of a second to load, which commands that only
    // read a manifest should not pay.
    const { DuckDBInstance: Instance } = await import("@duckdb/node-api");
    const instance = await Instance.create(":memory:", settings);
    const connection = await instance.connect();
    return new DuckDbSession(instance, connection);
  }

  /** Runs statements, discarding results. */
  async run(sql: string): Promise<void> {
    await timed(sql, () => this.#connection.run(sql));
  }

  /** Runs a query and reads every row. */
  async read(sql: string): Promise<DuckDBResultReader> {
    return timed(sql, () => this.#connection.runAndReadAll(sql));
  }

  /** Runs a query and returns its rows as JSON-compatible objects (bigints become strings, see `readNumber`). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.read(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  /** The first column of the first row as a number (0 when there is no row or the value is null). */
  async number(sql: string): Promise<number> {
    const reader = await this.read(sql);
    if (reader.currentRowCount === 0) return 0;
    const value = reader.value(0, 0);
    if (value === null || value === undefined) return 0;
    return Number(value);
  }

  get connection(): DuckDBConnection {
    return this.#connection;
  }

  close(): void {
    this.#connection.closeSync();
    this.#instance.closeSync();
  }
}

/** A SQL string literal: `'it''s'`. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL identifier: `"model_a"`. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * With MUFFLER_DEBUG_SQL=1, prints each statement's wall time and the process's CPU time meanwhile (all threads) on
 * stderr, for profiling: CPU time well above wall time means DuckDB ran the statement on several threads.
 */
async function timed<T>(sql: string, work: () => Promise<T>): Promise<T> {
  if (process.env["MUFFLER_DEBUG_SQL"] !== "1") return work();
  const start = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    process.stderr.write(`[sql ${(performance.now() - start).toFixed(0).padStart(6)} ms, cpu ${cpuMs.toFixed(0).padStart(6)} ms] ${sql.replace(/\s+/g, " ").slice(0, 160)}\n`);
  }
}
