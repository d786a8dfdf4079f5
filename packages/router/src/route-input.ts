import { MufflerError } from "@muffler/core";
import { ROUTER_ERROR_CODES } from "./errors.ts";

/** Which turns of a conversation the router reads. */
export const ROUTE_TURNS = ["last-user", "all-user", "all"] as const;
/**
 * `last-user`: the last user message only (RouteLLM's behaviour); `all-user`: every user message, joined;
 * `all`: every message with text content (system, user, assistant, tool), joined.
 */
export type RouteTurns = (typeof ROUTE_TURNS)[number];

/** One OpenAI chat message, as far as routing reads it. */
export interface ChatMessage {
  role: string;
  /** A string, or OpenAI content parts (only `{ type: "text", text }` parts are read). */
  content?: string | readonly { type: string; text?: string }[] | null;
}

/** What a router routes on: a prompt, or an OpenAI `messages` array. */
export type RouteInput = string | readonly ChatMessage[];

export interface RoutingTextOptions {
  /** Which turns of a conversation count. @default "last-user" */
  turns?: RouteTurns;
}

/**
 * The text the router embeds for `input`: the prompt itself, or the chosen turns of a conversation joined by a
 * blank line. Throws `router/empty-input` when nothing is left to route on.
 */
export function routingText(input: RouteInput, options: RoutingTextOptions = {}): string {
  const turns = options.turns ?? "last-user";
  let text: string;
  if (typeof input === "string") {
    text = input;
  } else {
    if (input.length === 0) {
      throw new MufflerError("messages is empty.", { code: ROUTER_ERROR_CODES.emptyInput, field: "messages", hint: "Send at least one user message." });
    }
    if (turns === "last-user") {
      const last = [...input].reverse().find((message) => message.role === "user");
      if (last === undefined) {
        throw new MufflerError("messages holds no user message to route on.", {
          code: ROUTER_ERROR_CODES.emptyInput,
          field: "messages",
          hint: 'Add a message with role "user", or route on every turn (turns: "all").',
        });
      }
      text = messageText(last);
    } else {
      const chosen = turns === "all-user" ? input.filter((message) => message.role === "user") : input;
      text = chosen.map(messageText).filter((part) => part.length > 0).join("\n\n");
    }
  }
  if (text.trim().length === 0) {
    throw new MufflerError("The text to route on is empty.", {
      code: ROUTER_ERROR_CODES.emptyInput,
      ...(typeof input === "string" ? {} : { field: "messages" }),
      hint: "Send a non-empty prompt.",
    });
  }
  return text;
}

function messageText(message: ChatMessage): string {
  const content = message.content;
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content
    .filter((part) => part.type === "text" && typeof part.text === "string")
    .map((part) => part.text as string)
    .join("\n");
}
