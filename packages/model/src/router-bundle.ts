import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { MufflerError, routerBundlePaths, sha256File, writeRunFile } from "@muffler/core";
import { MODEL_ERROR_CODES } from "./errors.ts";
import type { MFParameters } from "./mf-parameters.ts";
import { readMFParameters, writeMFParameters } from "./mf-weights.ts";
import { routerManifestSchema, type RouterManifest } from "./router-manifest.ts";

/** File names inside a router bundle directory (`runs/<name>/router/`), from core's `routerBundlePaths`. */
export const ROUTER_BUNDLE_FILES = { weights: basename(routerBundlePaths(".").weights), manifest: basename(routerBundlePaths(".").manifest) } as const;

export interface RouterBundle {
  parameters: MFParameters;
  manifest: RouterManifest;
}

/**
 * Writes a router bundle: `router.safetensors` (P.weight [N,H], downproj_QtoP.weight [H,D], Classifier.weight [1,H])
 * and `router.json`, each atomically, weights first. The manifest must agree with the parameters (models, hidden,
 * dimension). It records the weights' sha256 (`weightsHash`), and every threshold that carries no `weightsHash` is
 * stamped with it: the caller asserts that they were calibrated for these parameters. A crash between the two
 * writes leaves new weights beside the old manifest, which `loadRouterBundle` refuses (`model/weights-mismatch`).
 */
export async function saveRouterBundle(directory: string, bundle: RouterBundle): Promise<void> {
  const paths = routerBundlePaths(directory);
  const checked = validateManifest(bundle.manifest, paths.manifest);
  checkAgreement(bundle.parameters, checked, paths.manifest);
  await writeMFParameters(paths.weights, bundle.parameters, { format: "pt", producer: "muffler" });
  const weightsHash = await sha256File(paths.weights);
  const manifest: RouterManifest = {
    ...checked,
    weightsHash,
    ...(checked.thresholds !== undefined && { thresholds: checked.thresholds.map((entry) => ({ ...entry, weightsHash: entry.weightsHash ?? weightsHash })) }),
  };
  await writeRunFile({ path: paths.manifest, schema: routerManifestSchema, value: manifest });
}

export interface LoadRouterBundleOptions {
  /** The dimension of the embedder that will embed prompts; a bundle made for another dimension is rejected. */
  embedderDimension?: number;
}

/**
 * Reads a router bundle written by `saveRouterBundle` (or a seed checkpoint converted to safetensors, with a
 * router.json beside it). Rejects a manifest that fails validation (`model/bad-manifest`), weights whose shapes or
 * dtypes disagree with it (`model/bad-shape`, `model/bad-dtype`), truncated weights (`model/bad-weights`) and an
 * embedder dimension that differs (`model/dimension-mismatch`).
 */
export async function loadRouterBundle(directory: string, options: LoadRouterBundleOptions = {}): Promise<RouterBundle> {
  const paths = routerBundlePaths(directory);
  const manifestPath = paths.manifest;
  let text: string;
  try {
    text = await readFile(manifestPath, "utf8");
  } catch (error) {
    throw new MufflerError("Could not read the router manifest.", {
      code: MODEL_ERROR_CODES.badManifest,
      file: manifestPath,
      cause: error,
      hint: "Point at a router directory written by `muffler train` (it holds router.json and router.safetensors).",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MufflerError(`The router manifest is not valid JSON (${(error as Error).message}).`, { code: MODEL_ERROR_CODES.badManifest, file: manifestPath, cause: error });
  }
  const manifest = validateManifest(json, manifestPath);
  if (options.embedderDimension !== undefined && options.embedderDimension !== manifest.embedder.dimension) {
    throw new MufflerError(
      `The router was trained on ${manifest.embedder.dimension}-dimensional embeddings (${manifest.embedder.name}) but the embedder gives ${options.embedderDimension}.`,
      { code: MODEL_ERROR_CODES.dimensionMismatch, file: manifestPath, field: "embedder.dimension", hint: `Use the embedder ${manifest.embedder.id}.` },
    );
  }
  const weightsPath = paths.weights;
  const parameters = await readMFParameters(weightsPath, { models: manifest.models });
  checkAgreement(parameters, manifest, weightsPath);
  if (manifest.weightsHash !== undefined) {
    const actual = await sha256File(weightsPath);
    if (actual !== manifest.weightsHash) {
      throw new MufflerError(
        `router.safetensors (sha256 ${actual.slice(0, 12)}...) is not the file router.json was written with (${manifest.weightsHash.slice(0, 12)}...): the weights were replaced after the manifest (an interrupted \`muffler train\`, or one file copied without the other).`,
        { code: MODEL_ERROR_CODES.weightsMismatch, file: weightsPath, field: "weightsHash", hint: "Run `muffler train` (then `muffler calibrate`) again, or copy router.json and router.safetensors together." },
      );
    }
  }
  return { parameters, manifest };
}

function validateManifest(value: unknown, file: string): RouterManifest {
  const parsed = routerManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MufflerError(`The router manifest is invalid: ${issue.message}.`, {
      code: MODEL_ERROR_CODES.badManifest,
      file,
      field: issue.path.join("."),
    });
  }
  const manifest = parsed.data;
  if (manifest.embedder.dimension !== manifest.dimension) {
    throw new MufflerError(`The manifest's embedder dimension ${manifest.embedder.dimension} differs from the router's dimension ${manifest.dimension}.`, {
      code: MODEL_ERROR_CODES.dimensionMismatch,
      file,
      field: "embedder.dimension",
    });
  }
  for (const field of ["strongModel", "weakModel"] as const) {
    if (!manifest.models.includes(manifest[field])) {
      throw new MufflerError(`${field} "${manifest[field]}" is not one of the models (${manifest.models.join(", ")}).`, {
        code: MODEL_ERROR_CODES.badManifest,
        file,
        field,
      });
    }
  }
  (manifest.candidates ?? []).forEach((candidate, index) => {
    if (!manifest.models.includes(candidate.model)) {
      throw new MufflerError(`candidate "${candidate.model}" is not one of the models (${manifest.models.join(", ")}).`, { code: MODEL_ERROR_CODES.badManifest, file, field: `candidates.${index}.model` });
    }
  });
  return manifest;
}

function checkAgreement(parameters: MFParameters, manifest: RouterManifest, file: string): void {
  if (parameters.dimension !== manifest.dimension) {
    throw new MufflerError(`The weights have dimension D=${parameters.dimension} but the manifest says ${manifest.dimension}.`, {
      code: MODEL_ERROR_CODES.dimensionMismatch,
      file,
      field: "dimension",
    });
  }
  if (parameters.hidden !== manifest.hidden) {
    throw new MufflerError(`The weights have H=${parameters.hidden} but the manifest says hidden=${manifest.hidden}.`, { code: MODEL_ERROR_CODES.badShape, file, field: "hidden" });
  }
  if (parameters.models.length !== manifest.models.length || parameters.models.some((name, index) => name !== manifest.models[index])) {
    throw new MufflerError(`The weights' models (${parameters.models.join(", ")}) differ from the manifest's (${manifest.models.join(", ")}).`, {
      code: MODEL_ERROR_CODES.badShape,
      file,
      field: "models",
    });
  }
}
