import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTER_ERROR_CODES } from "./errors.ts";
import { loadServerConfig } from "./server-config.ts";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "muffler-serve-candidates-"));
});
afterAll(async () => rm(directory, { recursive: true, force: true }));

const base = { strong: { baseUrl: "https://api.openai.com/v1" }, weak: { baseUrl: "http://127.0.0.1:8000/v1" } };

describe("loadServerConfig: one upstream per candidate", () => {
  it("reads candidates keyed by model and resolves each apiKeyEnv", async () => {
    const file = join(directory, "candidates.json");
    await writeFile(file, JSON.stringify({ ...base, candidates: { "gpt-4o": { baseUrl: "https://api.openai.com/v1", apiKeyEnv: "OPENAI_KEY" }, small: { baseUrl: "http://127.0.0.1:9000/v1", model: "small-q4" } } }));
    const config = await loadServerConfig({ file, env: { OPENAI_KEY: "sk-test-123456" } });
    expect(config.candidates).toEqual({ "gpt-4o": { baseUrl: "https://api.openai.com/v1", apiKey: "sk-test-123456" }, small: { baseUrl: "http://127.0.0.1:9000/v1", model: "small-q4" } });
  });

  it("a missing key variable or an unknown key names the candidate's field", async () => {
    const file = join(directory, "bad.json");
    await writeFile(file, JSON.stringify({ ...base, candidates: { big: { baseUrl: "https://x.example/v1", apiKeyEnv: "NOPE" } } }));
    await expect(loadServerConfig({ file, env: {} })).rejects.toMatchObject({ code: ROUTER_ERROR_CODES.badServerConfig, location: { field: "candidates.big.apiKeyEnv" } });
    await writeFile(file, JSON.stringify({ ...base, candidates: { big: { baseUrl: "https://x.example/v1", key: "x" } } }));
    await expect(loadServerConfig({ file, env: {} })).rejects.toMatchObject({ code: ROUTER_ERROR_CODES.badServerConfig, location: { field: "candidates.big.key" } });
  });
});
