import { Command } from "commander";

/** `muffler prepare`: battles or a benchmark in, a prepared dataset in a run directory out. */
export function prepareCommand(): Command {
  return new Command("prepare").description("Prepare battles (or a benchmark's gold battles) into train/test splits in a run directory.");
}
