export { MufflerError, isMufflerError } from "./muffler-error.ts";
export type { ErrorKind, ErrorLocation, MufflerErrorOptions } from "./muffler-error.ts";
export { temporaryPathFor, withAtomicPath, writeFileAtomic, writeJsonAtomic } from "./atomic-write.ts";
export { canonicalJson, hashJson, sha256, sha256File } from "./content-hash.ts";
export { SeededRandom } from "./seeded-random.ts";
export type { OnProgress, ProgressEvent } from "./progress.ts";
export { runPaths } from "./run-directory.ts";
export type { RunPaths } from "./run-directory.ts";
