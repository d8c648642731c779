import { describe, expect, it } from "vitest";
import {
  forRequeue,
  identityOf,
  metadataFields,
  metadataKeyOf,
  STACK_INFLATED_BYTES,
  parseTimestamp,
  retryCountOf,
  sha1,
  toDlqEntry,
  withRetryCount,
} from "@/lib/queues/message";

const b = (s: string) => Buffer.from(s);
const stamp = {
  error: { type: "TimeoutError", message: "gcs read timed out", stack: "TimeoutError: x\n  at y" },
  retryCount: 3,
  failedAt: new Date("2026-11-26T10:00:00.000Z"),
  originalQueue: "document",
};

describe("identityOf", () => {
  it("should use the id field when the message has a string or integer id", () => {
    expect(identityOf(b('{"id":"abc","x":1}'))).toBe("id:abc");
    expect(identityOf(b('{"id":18446744073709551615}'))).toBe("id:18446744073709551615");
    expect(identityOf(b('{"id":"\\u00e9"}'))).toBe("id:é");
  });

  it("should hash the bytes when the message has no usable id or is not JSON", () => {
    for (const s of ['{"job_id":"j"}', '{"id":{"a":1}}', "plain text", "[1]"]) {
      expect(identityOf(b(s))).toBe(`h:${sha1(s)}`);
    }
  });
});

describe("DLQ entry and requeue", () => {
  const original =
    '{"job_id":"j-1","filename":"a.pdf","big":12345678901234567890123,"name":"\\u00fcber","retry_count":3}';

  it("should add error, failed_at and original_queue when a JSON message goes to the DLQ", () => {
    const entry = JSON.parse(toDlqEntry(b(original), stamp).toString()) as Record<string, unknown>;
    expect(entry.error).toEqual({
      type: "TimeoutError",
      message: "gcs read timed out",
      stack: "TimeoutError: x\n  at y",
    });
    expect(entry.failed_at).toBe("2026-11-26T10:00:00.000Z");
    expect(entry.original_queue).toBe("document");
    expect(entry.retry_count).toBe(3);
  });

  it("should give back the original bytes with retry_count 0 when requeued", () => {
    const requeued = forRequeue(toDlqEntry(b(original), stamp)).toString();
    expect(requeued).toBe(original.replace('"retry_count":3', '"retry_count":0'));
  });

  it("should keep a non-JSON message byte for byte through the DLQ and back", () => {
    const weird = Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x00, 0x7b]);
    expect(forRequeue(toDlqEntry(weird, stamp)).equals(weird)).toBe(true);
  });

  it("should not add retry_count on requeue when the message never had one", () => {
    expect(forRequeue(b('{"a":1,"error":"x","failed_at":"2026-01-01T00:00:00"}')).toString()).toBe(
      '{"a":1}',
    );
  });
});

describe("retry bookkeeping", () => {
  it("should set retry_count in place and read it back", () => {
    const next = withRetryCount(b('{"retry_count":1,"a":2}'), 2);
    expect(next.toString()).toBe('{"retry_count":2,"a":2}');
    expect(retryCountOf(next)).toBe(2);
    expect(retryCountOf(b("nope"))).toBe(0);
    expect(retryCountOf(b('{"retry_count":"x"}'))).toBe(0);
  });
});

describe("metadataKeyOf", () => {
  it("should use the Python backend's key when job_id and filename are present", () => {
    expect(metadataKeyOf(b('{"job_id":"j-1","filename":"a.pdf"}'))).toBe("dlq:metadata:j-1:a.pdf");
    expect(metadataKeyOf(b('{"job_id":42,"filename":"a.pdf"}'))).toBe("dlq:metadata:42:a.pdf");
  });

  it("should fall back to a hash key when they are missing", () => {
    expect(metadataKeyOf(b("text"))).toBe(`dlq:metadata:h:${sha1("text")}`);
  });
});

describe("metadataFields", () => {
  it("should bound the stack a message that is not JSON keeps in its hash, as an entry's is", () => {
    // The bound falls inside a two-byte character: that character is left out.
    const stack = `${"x".repeat(STACK_INFLATED_BYTES - 1)}${"é".repeat(500_000)}`;
    const huge = { ...stamp, error: { ...stamp.error, stack } };
    const kept = metadataFields(b("not json"), huge, b("not json")).error_stack!;
    expect(Buffer.byteLength(kept)).toBe(STACK_INFLATED_BYTES - 1);
    expect(kept.endsWith("x")).toBe(true);
    const small = metadataFields(b("not json"), stamp, b("not json")).error_stack;
    expect(small).toBe(stamp.error.stack);
    expect(metadataFields(b('{"id":1}'), stamp, b('{"id":1}')).error_stack).toBe("");
  });
});

describe("parseTimestamp", () => {
  it("should read ISO text with or without a zone, epoch seconds and epoch milliseconds", () => {
    expect(parseTimestamp('"2026-11-26T10:00:00Z"')).toBe(1795687200);
    expect(parseTimestamp("2026-11-26T10:00:00.000000")).toBe(1795687200);
    expect(parseTimestamp("1795687200.25")).toBe(1795687200.25);
    expect(parseTimestamp("1795687200250")).toBe(1795687200.25);
    expect(parseTimestamp('"garbage"')).toBeNull();
    expect(parseTimestamp('"unterminated')).toBeNull();
  });

  it("should know no time when a value cannot be a date (a page would fail to show it)", () => {
    expect(parseTimestamp("99999999999999999")).toBeNull();
    expect(parseTimestamp('"+275760-09-13T00:00:00Z"')).toBeNull();
    expect(parseTimestamp('"9999-12-31T23:59:59Z"')).toBe(253402300799);
  });
});
