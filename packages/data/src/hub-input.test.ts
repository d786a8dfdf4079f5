import { DuckDBInstance } from "@duckdb/node-api";
import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_ERROR_CODES } from "./errors.ts";
import { parseHubId } from "./hub-input.ts";
import { temporaryFolder } from "./internal/test-helpers.ts";
import { prepareDataset } from "./prepare-dataset.ts";
import { readPreparedBattles } from "./read-prepared-battles.ts";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const REPOSITORY = "routellm/fake_battles";

/** A fake Hugging Face hub on 127.0.0.1 serving one dataset repository; it records every request path. */
async function startFakeHub(files: Record<string, Buffer>): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const oid = (content: Buffer) => createHash("sha1").update(content).digest("hex");
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(`${request.method} ${decodeURIComponent(url.pathname)}`);
    const api = new RegExp(`^/api/datasets/${REPOSITORY}/(tree|paths-info)/([^/]+)`).exec(url.pathname);
    const resolve = new RegExp(`^/datasets/${REPOSITORY}/resolve/([^/]+)/(.+)$`).exec(url.pathname);
    if (api?.[1] === "tree") {
      response.setHeader("Content-Type", "application/json");
      response.end(JSON.stringify(Object.entries(files).map(([path, content]) => ({ type: "file", path, size: content.length, oid: oid(content) }))));
      return;
    }
    if (api?.[1] === "paths-info") {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const { paths } = JSON.parse(body) as { paths: string[] };
        response.setHeader("Content-Type", "application/json");
        response.end(JSON.stringify(paths.filter((path) => files[path]).map((path) => ({ type: "file", path, size: files[path]!.length, oid: oid(files[path]!), lastCommit: { id: COMMIT, title: "upload", date: "2024-06-16T00:00:00Z" } }))));
      });
      return;
    }
    if (resolve && files[decodeURIComponent(resolve[2]!)]) {
      const content = files[decodeURIComponent(resolve[2]!)]!;
      const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? "");
      const start = range ? Number(range[1]) : 0;
      const end = range && range[2] ? Math.min(Number(range[2]), content.length - 1) : content.length - 1;
      response.statusCode = range ? 206 : 200;
      response.setHeader("ETag", `"${oid(content)}"`);
      response.setHeader("X-Repo-Commit", COMMIT);
      response.setHeader("Content-Range", `bytes ${start}-${end}/${content.length}`);
      response.end(content.subarray(start, end + 1));
      return;
    }
    response.statusCode = 404;
    response.setHeader("X-Error-Code", "RepoNotFound");
    response.setHeader("Content-Type", "application/json");
    response.end(JSON.stringify({ error: "Repository not found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let folder: { path: string; cleanup: () => Promise<void> };
let hub: Awaited<ReturnType<typeof startFakeHub>>;

beforeAll(async () => {
  folder = await temporaryFolder();
  const parquet = join(folder.path, "train.parquet");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT CASE WHEN i % 2 = 0 THEN 'gpt-4-1106-preview' ELSE 'mixtral-8x7b-instruct-v0.1' END AS model_a,
      CASE WHEN i % 2 = 0 THEN 'mixtral-8x7b-instruct-v0.1' ELSE 'gpt-4-1106-preview' END AS model_b,
      'hub prompt ' || i AS prompt, CAST(i % 3 = 0 AS INTEGER) AS winner_model_a, CAST(i % 3 = 1 AS INTEGER) AS winner_model_b, CAST(i % 3 = 2 AS INTEGER) AS winner_tie
    FROM range(60) t(i)) TO '${parquet}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  hub = await startFakeHub({
    "README.md": Buffer.from("# fake\n"),
    "data/train-00000-of-00001.parquet": readFileSync(parquet),
    "data/test-00000-of-00001.csv": Buffer.from("model_a,model_b,prompt,winner_model_a,winner_model_b\nx,y,z,1,0\n"),
  });
});
afterAll(async () => {
  await hub.close();
  await folder.cleanup();
});

describe("hf: inputs through @huggingface/hub (a fake hub on 127.0.0.1)", () => {
  it("downloads the train split into the standard cache, honours the revision, then works offline from the cache", async () => {
    const cacheDirectory = join(folder.path, "cache");
    const run = join(folder.path, "run");
    const { manifest } = await prepareDataset({
      input: `hf:${REPOSITORY}`,
      runDirectory: run,
      strongModel: "gpt-4-1106-preview",
      weakModel: "mixtral-8x7b-instruct-v0.1",
      hub: { hubUrl: hub.url, cacheDirectory, revision: "v1" },
    });
    expect(manifest.counts).toMatchObject({ input: 60, tiesDropped: 20, kept: 40 });
    expect(manifest.options["revision"]).toBe("v1");
    expect(hub.requests).toContain(`GET /api/datasets/${REPOSITORY}/tree/v1`);
    expect(hub.requests.some((request) => request.includes("test-00000"))).toBe(false);
    const storage = join(cacheDirectory, "datasets--routellm--fake_battles");
    expect(existsSync(join(storage, "snapshots", COMMIT, "data", "train-00000-of-00001.parquet"))).toBe(true);
    expect(readFileSync(join(storage, "refs", "v1"), "utf8")).toBe(COMMIT);

    const seen = hub.requests.length;
    const offlineRun = join(folder.path, "offline");
    const offline = await prepareDataset({ input: `hf:${REPOSITORY}`, runDirectory: offlineRun, hub: { hubUrl: hub.url, cacheDirectory, revision: "v1", offline: true } });
    expect(hub.requests.length).toBe(seen);
    expect(offline.manifest.inputHash).toBe(manifest.inputHash);
    expect((await readPreparedBattles(offlineRun, "train")).prompts.every((prompt) => prompt.startsWith("hub prompt"))).toBe(true);
  });

  it("fails clearly offline when the dataset is not cached, and online when the hub has no such dataset", async () => {
    const cacheDirectory = join(folder.path, "empty-cache");
    await expect(prepareDataset({ input: `hf:${REPOSITORY}`, runDirectory: join(folder.path, "r1"), hub: { cacheDirectory, offline: true } })).rejects.toMatchObject({
      code: DATA_ERROR_CODES.hubOffline,
      message: expect.stringMatching(/offline mode: revision "main".*not in the Hugging Face cache/),
    });
    await expect(prepareDataset({ input: "hf:nobody/nothing", runDirectory: join(folder.path, "r2"), hub: { hubUrl: hub.url, cacheDirectory } })).rejects.toMatchObject({
      code: DATA_ERROR_CODES.hubError,
      message: expect.stringContaining('the hub has no dataset "nobody/nothing"'),
    });
    expect(existsSync(join(folder.path, "r1"))).toBe(false);
    expect(existsSync(join(folder.path, "r2"))).toBe(false);
  });

  it("parses ids with a path inside the repository and rejects malformed ones", () => {
    expect(parseHubId("hf:lmsys/lmsys-arena-human-preference-55k/train.csv")).toEqual({ name: "lmsys/lmsys-arena-human-preference-55k", path: "train.csv" });
    expect(parseHubId("hf:routellm/gpt4_judge_battles")).toEqual({ name: "routellm/gpt4_judge_battles", path: undefined });
    expect(() => parseHubId("hf:just-a-name")).toThrow(expect.objectContaining({ code: DATA_ERROR_CODES.hubError }));
  });
});
