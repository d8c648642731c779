import type { Readable } from "node:stream";

/** The demo's log line: time, a fixed-width tag, the text. */
export function log(tag: string, text: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${tag.padEnd(9)} ${text}\n`);
}

/** Calls `onLine` with each complete line a child writes to `stream`. */
export function eachLine(stream: Readable | null, onLine: (line: string) => void): void {
  let buffered = "";
  stream?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(line);
  });
}
