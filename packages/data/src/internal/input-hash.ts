import { sha256, sha256File } from "@muffler/core";

/** SHA-256 of one file's bytes, or of the list of several files' hashes (in the given order). */
export async function hashFiles(paths: string[]): Promise<string> {
  if (paths.length === 1) return sha256File(paths[0]!);
  const hashes: string[] = [];
  for (const path of paths) hashes.push(await sha256File(path));
  return sha256(hashes.join("\n"));
}
