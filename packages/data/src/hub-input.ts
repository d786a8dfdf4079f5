import { isMufflerError, MufflerError, writeFileAtomic } from "@muffler/core";
import { readdir, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join, relative, sep } from "node:path";
import { DATA_ERROR_CODES } from "./errors.ts";
import { detectFileFormat, type FileFormat } from "./file-format.ts";
import type { ResolvedInput } from "./internal/resolve-local-input.ts";

/** Settings for `hf:` inputs. */
export interface HubOptions {
  /** The hub's base URL. @default process.env.HF_ENDPOINT ?? "https://huggingface.co" */
  hubUrl?: string;
  /** A branch, tag or 40-hex commit. @default "main" */
  revision?: string;
  /** Use only the local cache; fail clearly when the dataset is not there. @default process.env.HF_HUB_OFFLINE === "1" */
  offline?: boolean;
  /** The Hugging Face cache (the standard layout, shared with Python). @default $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub */
  cacheDirectory?: string;
  /** A token for gated or private datasets. Never logged. @default process.env.HF_TOKEN */
  accessToken?: string;
  /** The fetch to use (tests pass their own). @default globalThis.fetch */
  fetch?: typeof fetch;
}

const HUB_PREFIX = "hf:";
const DATA_FILE = /\.(csv|tsv|jsonl|ndjson|json|parquet)$/i;
const TRAIN_SPLIT = /(^|[/_.-])train([/_.-]|$)/i;
const FORMAT_PREFERENCE: FileFormat[] = ["parquet", "jsonl", "json", "csv", "tsv"];

/** Whether an input names a Hugging Face dataset (`hf:owner/name[/path]`). */
export function isHubId(input: string): boolean {
  return input.startsWith(HUB_PREFIX);
}

/** Splits `hf:owner/name/some/path.parquet` into the repository name and the path inside it. */
export function parseHubId(input: string): { name: string; path: string | undefined } {
  const match = /^hf:([\w.-]+\/[\w.-]+)(?:\/(.+))?$/.exec(input);
  if (!match) {
    throw new MufflerError(`"${input}" is not a Hugging Face dataset id.`, {
      code: DATA_ERROR_CODES.hubError,
      field: "input",
      hint: "Write it as hf:owner/name, or hf:owner/name/path/in/the/repo.parquet.",
    });
  }
  return { name: match[1]!, path: match[2]?.replace(/\/$/, "") };
}

function defaultCacheDirectory(): string {
  if (process.env["HF_HUB_CACHE"]) return process.env["HF_HUB_CACHE"];
  if (process.env["HF_HOME"]) return join(process.env["HF_HOME"], "hub");
  return join(homedir(), ".cache", "huggingface", "hub");
}

/**
 * The data files of a dataset, chosen among a repository's paths: those under `path` when given; of several split
 * files, the train split's; of several formats, parquet first.
 */
function chooseDataFiles(paths: string[], within: string | undefined): string[] {
  let candidates = paths.filter((path) => DATA_FILE.test(path) && (within === undefined || path === within || path.startsWith(`${within}/`)));
  const train = candidates.filter((path) => TRAIN_SPLIT.test(path));
  if (train.length > 0) candidates = train;
  for (const format of FORMAT_PREFERENCE) {
    const ofFormat = candidates.filter((path) => detectFileFormat(path) === format);
    if (ofFormat.length > 0) return ofFormat.sort();
  }
  return [];
}

/**
 * Resolves `hf:owner/name[/path]` to local files through @huggingface/hub and the standard HF cache
 * (`datasets--owner--name/{blobs,snapshots,refs}`), downloading what is missing unless offline.
 */
export async function resolveHubInput(input: string, options: HubOptions): Promise<ResolvedInput> {
  const { name, path } = parseHubId(input);
  const revision = options.revision ?? "main";
  const cacheDir = options.cacheDirectory ?? defaultCacheDirectory();
  const offline = options.offline ?? process.env["HF_HUB_OFFLINE"] === "1";
  const storage = join(cacheDir, `datasets--${name.split("/").join("--")}`);
  if (offline) return resolveFromCache({ input, storage, revision, path });

  const { downloadFileToCacheDir, listFiles } = await import("@huggingface/hub");
  const repo = { type: "dataset" as const, name };
  const common = {
    repo,
    revision,
    hubUrl: options.hubUrl ?? process.env["HF_ENDPOINT"] ?? "https://huggingface.co",
    ...(options.fetch !== undefined && { fetch: options.fetch }),
    ...((options.accessToken ?? process.env["HF_TOKEN"]) !== undefined && { accessToken: options.accessToken ?? process.env["HF_TOKEN"] }),
  };
  try {
    const listed: string[] = [];
    for await (const entry of listFiles({ ...common, recursive: true })) if (entry.type === "file") listed.push(entry.path);
    const files = chooseDataFiles(listed, path);
    if (files.length === 0) {
      throw new MufflerError(`the dataset has no .parquet, .jsonl, .json or .csv file${path ? ` under "${path}"` : ""} at revision "${revision}".`, {
        code: DATA_ERROR_CODES.hubError,
        file: input,
        hint: "Name a data file inside the repository: hf:owner/name/path/to/file.parquet.",
      });
    }
    const local: string[] = [];
    let snapshot: string | undefined;
    for (const file of files) {
      const pointer = await quietly(() => downloadFileToCacheDir({ ...common, path: file, cacheDir }));
      local.push(pointer);
      snapshot ??= relative(join(storage, "snapshots"), pointer).split(sep)[0];
    }
    // Record the revision's snapshot as the Python hub does, so that offline mode finds it later.
    if (snapshot !== undefined && snapshot !== revision) await writeFileAtomic(join(storage, "refs", revision), snapshot);
    return { paths: local, format: detectFileFormat(files[0]!), displayPath: input };
  } catch (error) {
    if (isMufflerError(error)) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    const message = error instanceof Error ? error.message : String(error);
    throw new MufflerError(
      status === 404
        ? `the hub has no dataset "${name}" at revision "${revision}".`
        : status === 401 || status === 403
          ? `the hub refused access to "${name}" (HTTP ${status}).`
          : `could not fetch "${name}" from the hub (${message.split("\n")[0]}).`,
      {
        code: DATA_ERROR_CODES.hubError,
        file: input,
        hint: status === 401 || status === 403 ? "Set HF_TOKEN to a token that may read the dataset." : "Check the id and the network, or use offline mode with a cached copy.",
        cause: error,
      },
    );
  }
}

/**
 * Runs `work` with `console.debug` silenced: @huggingface/hub logs "Downloading ..." there, which would end up on
 * stdout and spoil `--json` output.
 */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const debug = console.debug;
  console.debug = () => undefined;
  try {
    return await work();
  } finally {
    console.debug = debug;
  }
}

async function resolveFromCache(options: { input: string; storage: string; revision: string; path: string | undefined }): Promise<ResolvedInput> {
  const { input, storage, revision, path } = options;
  const miss = (what: string): never => {
    throw new MufflerError(`offline mode: ${what} in the Hugging Face cache (${storage}).`, {
      code: DATA_ERROR_CODES.hubOffline,
      file: input,
      hint: "Run once online to fill the cache, or turn offline mode off.",
    });
  };
  let commit = revision;
  if (!/^[0-9a-f]{40}$/.test(revision)) {
    try {
      commit = (await readFile(join(storage, "refs", revision), "utf8")).trim();
    } catch {
      miss(`revision "${revision}" of the dataset is not`);
    }
  }
  const root = join(storage, "snapshots", commit);
  const files: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files.push(relative(root, full).split(sep).join("/"));
    }
  };
  try {
    if (!(await stat(root)).isDirectory()) throw new Error("not a folder");
    await walk(root);
  } catch {
    miss(`snapshot ${commit} is not`);
  }
  const chosen = chooseDataFiles(files, path);
  if (chosen.length === 0) miss(`no data file${path ? ` under "${path}"` : ""} is`);
  return { paths: chosen.map((file) => join(root, ...file.split("/"))), format: detectFileFormat(chosen[0]!), displayPath: input };
}
