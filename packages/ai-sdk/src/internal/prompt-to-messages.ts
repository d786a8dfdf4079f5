import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import type { ChatMessage } from "@muffler/router";

/**
 * The AI SDK prompt as the OpenAI-style messages `Router.route` reads: system text, and the `text` parts of user and
 * assistant messages (files, reasoning, tool calls and tool results carry no text to route on).
 */
export function promptToMessages(prompt: LanguageModelV4Prompt): ChatMessage[] {
  return prompt.map((message): ChatMessage => {
    if (message.role === "system") return { role: "system", content: message.content };
    if (message.role === "tool") return { role: "tool", content: [] };
    const parts: { type: "text"; text: string }[] = [];
    for (const part of message.content) if (part.type === "text") parts.push({ type: "text", text: part.text });
    return { role: message.role, content: parts };
  });
}
