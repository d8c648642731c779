import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import {
  metadataFields,
  STACK_INFLATED_BYTES,
  STACK_TEXT_BYTES,
  stackText,
  toDlqEntry,
} from "@/lib/queues/message";
import { parseTopLevel } from "@/lib/queues/rawJson";
import { redactText } from "@/lib/queues/redact";

/**
 * A dead letter keeps its stack once, in its entry, deflated when long: the
 * README's figure (about a third of a BullMQ failed job's memory) rests on it.
 */

const message = Buffer.from('{"id":"m1","job_id":"j","filename":"f.pdf","retry_count":2}');
const frames = Array.from(
  { length: 30 },
  (_, i) => `    at step${i} (/app/backend/workers/document-worker.js:${100 + i}:${7 + i})`,
);
const STACK = ["TimeoutError: GCS download timed out", ...frames].join("\n");
const stamp = (stack?: string) => ({
  error: { type: "TimeoutError", message: "GCS download timed out", stack },
  retryCount: 3,
  failedAt: new Date("2026-11-26T10:00:00.000Z"),
  originalQueue: "document",
});

const errorOf = (entry: Buffer) =>
  (JSON.parse(entry.toString()) as { error: { stack?: unknown } }).error;

describe("a dead letter's stack", () => {
  it("is kept deflated in the entry when long, and read back as it was", () => {
    expect(Buffer.byteLength(STACK)).toBeGreaterThan(STACK_TEXT_BYTES);
    const entry = toDlqEntry(message, stamp(STACK));
    const { stack } = errorOf(entry);
    expect(stack).toEqual({ deflate: expect.any(String) });
    expect(entry.length).toBeLessThan(message.length + Buffer.byteLength(STACK) / 2);
    expect(stackText(stack)).toBe(STACK);
  });

  it("is kept as text when short", () => {
    const short = "Error: x\n    at y (z.js:1:1)";
    expect(errorOf(toDlqEntry(message, stamp(short))).stack).toBe(short);
    expect(stackText(short)).toBe(short);
  });

  it("is not copied into the metadata hash of a JSON entry, and is for a message that is not JSON", () => {
    const entry = toDlqEntry(message, stamp(STACK));
    expect(metadataFields(message, stamp(STACK), entry).error_stack).toBe("");
    const text = Buffer.from("not json");
    expect(metadataFields(text, stamp(STACK), toDlqEntry(text, stamp(STACK))).error_stack).toBe(
      STACK,
    );
  });

  it("is cut at STACK_INFLATED_BYTES when written, on a character boundary", () => {
    const huge = "é".repeat(STACK_INFLATED_BYTES);
    const text = stackText(errorOf(toDlqEntry(message, stamp(huge))).stack)!;
    expect(Buffer.byteLength(text)).toBe(STACK_INFLATED_BYTES);
    expect(text).toBe("é".repeat(STACK_INFLATED_BYTES / 2));
  });

  it("reads what another writer put there without throwing, and inflates no bomb", () => {
    const bomb = deflateRawSync(Buffer.alloc(50 * 1024 * 1024)).toString("base64");
    expect(bomb.length).toBeLessThan(100_000);
    const inflated = stackText({ deflate: bomb })!;
    expect(inflated.length).toBeGreaterThan(0);
    expect(inflated.length).toBeLessThanOrEqual(STACK_INFLATED_BYTES);
    const head = deflateRawSync(STACK).toString("base64").slice(0, 200);
    expect(STACK.startsWith(stackText({ deflate: head })!)).toBe(true);
    for (const odd of [{ deflate: "not base64 at all!" }, { deflate: 3 }, null, 12, ["a"], {}]) {
      expect(() => stackText(odd)).not.toThrow();
    }
    expect(stackText({ deflate: 3 })).toBeNull();
    expect(stackText(null)).toBeNull();
  });

  it("is masked whole when error.stack is redacted", () => {
    const entry = toDlqEntry(message, stamp(STACK));
    const paths = loadConfig({ REDRIVE_REDACT: "error.stack" }).REDRIVE_REDACT;
    const masked = JSON.parse(redactText(entry.toString(), paths)) as { error: { stack: unknown } };
    expect(typeof masked.error.stack).toBe("string");
    expect(JSON.stringify(masked)).not.toContain("deflate");
    expect(parseTopLevel(entry)).not.toBeNull();
  });
});
