/** Longest server-sent-event line kept for inspection; longer lines pass through unread. */
const MAX_LINE_CHARS = 1 << 20;

/**
 * Reads an upstream's chat-completion event stream as it passes through (the bytes themselves are relayed
 * unchanged): whether it sent `data: [DONE]`, and whether a chunk carried a `finish_reason` (the end of a choice).
 */
export class StreamEvents {
  readonly #decoder = new TextDecoder();
  #line = "";
  #sawDone = false;
  #finished = false;

  /** Whether the stream sent `data: [DONE]`. */
  get sawDone(): boolean {
    return this.#sawDone;
  }

  /** Whether the latest chunk with choices ended one of them (a non-empty `finish_reason`). */
  get finished(): boolean {
    return this.#finished;
  }

  push(bytes: Uint8Array): void {
    const lines = (this.#line + this.#decoder.decode(bytes, { stream: true })).split("\n");
    this.#line = lines.pop() ?? "";
    if (this.#line.length > MAX_LINE_CHARS) this.#line = "";
    for (const line of lines) this.#read(line);
  }

  end(): void {
    this.#read(this.#line + this.#decoder.decode());
    this.#line = "";
  }

  #read(rawLine: string): void {
    const line = rawLine.trim();
    if (!line.startsWith("data:")) return;
    const data = line.slice("data:".length).trim();
    if (data === "[DONE]") {
      this.#sawDone = true;
      return;
    }
    // Only chunks that can end a choice are parsed; content chunks (finish_reason null) are not.
    if (!data.includes('"finish_reason"')) return;
    let event: { choices?: { finish_reason?: unknown }[] };
    try {
      event = JSON.parse(data) as typeof event;
    } catch {
      return;
    }
    if (!Array.isArray(event.choices) || event.choices.length === 0) return;
    this.#finished = event.choices.some((choice) => typeof choice?.finish_reason === "string" && choice.finish_reason.length > 0);
  }
}
