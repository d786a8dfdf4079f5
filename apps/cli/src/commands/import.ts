import { importRouteLLMRouter, ROUTELLM_EMBEDDER } from "@muffler/router";
import type { ImportedRouteLLMRouter } from "@muffler/router";
import { Command } from "commander";
import { printResult } from "../cli-output.ts";

interface ImportRouteLLMFlags {
  weights: string;
  out: string;
  strong?: string;
  weak?: string;
  embedder?: string;
  json?: boolean;
}

/** `muffler import`: router bundles from other projects' published routers. */
export function importCommand(): Command {
  const command = new Command("import").description("Write a Muffler router bundle from another project's published router.");
  command.addCommand(
    new Command("routellm")
      .description("From RouteLLM's MF checkpoint (model.safetensors of routellm/mf_gpt4_augmented): its 64 models, text-embedding-3-small, threshold 0.11593 ~ 50% strong calls on Arena.")
      .requiredOption("--weights <file>", "the checkpoint's model.safetensors (P.weight [64,128], text_proj.0.weight [128,1536], classifier.0.weight [1,128])")
      .requiredOption("--out <dir>", "the router bundle directory to write (then: muffler route / serve --router <dir>)")
      .option("--strong <model>", "the strong model, a RouteLLM model name (default gpt-4-1106-preview)")
      .option("--weak <model>", "the weak model, a RouteLLM model name (default mixtral-8x7b-instruct-v0.1)")
      .option("--embedder <name>", `the embedder the bundle names (default ${ROUTELLM_EMBEDDER})`)
      .option("--json", "print the result as JSON")
      .action(async (flags: ImportRouteLLMFlags) => {
        const result = await importRouteLLMRouter({
          weights: flags.weights,
          outputDirectory: flags.out,
          ...(flags.strong !== undefined && { strongModel: flags.strong }),
          ...(flags.weak !== undefined && { weakModel: flags.weak }),
          ...(flags.embedder !== undefined && { embedder: flags.embedder }),
        });
        printResult(flags, { directory: result.directory, files: result.files, manifest: result.manifest }, () => summary(result));
      }),
  );
  return command;
}

function summary(result: ImportedRouteLLMRouter): string {
  const { manifest } = result;
  const calibrated = manifest.thresholds?.[0];
  return [
    `wrote ${result.files.manifest} and ${result.files.weights}`,
    `  ${manifest.models.length} models; routes ${manifest.strongModel} (strong) vs ${manifest.weakModel} (weak); embedder ${manifest.embedder.name} (${manifest.dimension}-d)`,
    ...(calibrated !== undefined ? [`  RouteLLM's published threshold ${calibrated.threshold} ~ ${calibrated.strongPercent}% strong calls on Chatbot Arena (router-mf-${calibrated.threshold} or --strong-percent ${calibrated.strongPercent})`] : []),
    `  next: OPENAI_API_KEY=... muffler route --router ${result.directory} --threshold ${calibrated?.threshold ?? 0.5} "<prompt>"`,
  ].join("\n");
}
