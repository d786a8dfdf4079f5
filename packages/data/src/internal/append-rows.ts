import type { Battle } from "../battle.ts";
import type { DuckDbSession } from "./duckdb-session.ts";

/** Creates `table` with the standard battle columns and appends in-memory battles to it (in order). */
export async function appendBattles(session: DuckDbSession, table: string, battles: readonly Battle[]): Promise<void> {
  await session.run(`CREATE OR REPLACE TABLE ${table} (model_a VARCHAR, model_b VARCHAR, prompt VARCHAR, winner_model_a INTEGER, winner_model_b INTEGER, winner_tie INTEGER)`);
  const appender = await session.connection.createAppender(table);
  try {
    for (const battle of battles) {
      appender.appendVarchar(battle.modelA);
      appender.appendVarchar(battle.modelB);
      appender.appendVarchar(battle.prompt);
      appender.appendInteger(battle.winner === "model_a" ? 1 : 0);
      appender.appendInteger(battle.winner === "model_b" ? 1 : 0);
      appender.appendInteger(battle.winner === "tie" ? 1 : 0);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Creates `table(prompt VARCHAR)` holding `prompts`. */
export async function appendPrompts(session: DuckDbSession, table: string, prompts: readonly string[]): Promise<void> {
  await session.run(`CREATE OR REPLACE TABLE ${table} (prompt VARCHAR)`);
  const appender = await session.connection.createAppender(table);
  try {
    for (const prompt of prompts) {
      appender.appendVarchar(prompt);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
