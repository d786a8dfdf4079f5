import { Command } from "commander";

/** `muffler datasets`: the synthetic generator and the dataset cards. */
export function datasetsCommand(): Command {
  return new Command("datasets").description("Synthetic datasets and the cards of the real datasets.");
}
