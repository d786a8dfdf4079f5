import { type Socket, connect } from "node:net";

/** A raw HTTP/1.1 answer read off a socket: status line, headers (lower-case names) and body. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Opens a TCP connection to 127.0.0.1:`port`, writes `parts` (strings, or numbers: pauses in ms between writes), and
 * resolves with whatever the server answers before it closes the connection (or `null` if it closes without a word).
 */
export async function rawExchange(port: number, parts: readonly (string | number)[]): Promise<RawAnswer | null> {
  const socket: Socket = connect({ host: "127.0.0.1", port });
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
    socket.once("error", () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  void (async () => {
    for (const part of parts) {
      if (socket.destroyed) return;
      if (typeof part === "number") await new Promise((resolve) => setTimeout(resolve, part));
      else socket.write(part);
    }
  })();
  await closed;
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.length === 0) return null;
  const [head = "", ...rest] = text.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") };
}
