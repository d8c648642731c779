import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";
import {
  auditIdentities,
  covers,
  HIDDEN_LARGE,
  identityToken,
  maskJson,
  REDACTED,
  redactorFor,
  redactText,
} from "@/lib/queues/redact";
import type { DlqMessage } from "@/lib/queues/types";

function paths(value: string): string[][] {
  return loadConfig({ REDRIVE_REDACT: value }).REDRIVE_REDACT;
}

function problems(value: string): string[] {
  try {
    loadConfig({ REDRIVE_REDACT: value });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

function view(raw: string, extra: Partial<DlqMessage> = {}): DlqMessage {
  let payload: unknown = null;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) payload = parsed;
  } catch {
    // not JSON: no payload
  }
  return {
    index: 0,
    identity: "id:42",
    raw,
    bytes: Buffer.byteLength(raw),
    isJson: payload !== null,
    payload,
    jobId: null,
    filename: null,
    errorType: null,
    errorMessage: null,
    errorStack: null,
    retryCount: 0,
    failedAt: null,
    originalQueue: null,
    metadataKey: "dlq:metadata:j1:a.pdf",
    metadata: null,
    ...extra,
  };
}

describe("REDRIVE_REDACT config", () => {
  it("should parse dot-separated paths with wildcards when the entries are valid", () => {
    expect(paths(" user.email , gcs_path,customer.*.phone ,")).toEqual([
      ["user", "email"],
      ["gcs_path"],
      ["customer", "*", "phone"],
    ]);
    expect(loadConfig({}).REDRIVE_REDACT).toEqual([]);
  });

  it("should name the bad entry when a path is malformed", () => {
    for (const bad of ["user..email", "user.e mail", ".x", "a.b.", "a.b*"]) {
      const found = problems(`ok,${bad}`);
      expect(found).toHaveLength(1);
      expect(found[0]).toContain("REDRIVE_REDACT");
      expect(found[0]).toContain(JSON.stringify(bad));
    }
  });

  it("should refuse a path when it is deeper than 16 segments", () => {
    expect(problems(Array.from({ length: 17 }, () => "a").join("."))[0]).toMatch(/16 deep/);
  });
});

describe("maskJson and redactText", () => {
  const p = [["user", "email"], ["gcs_path"], ["customer", "*", "phone"], ["items", "0", "ssn"]];

  it("should mask nested fields and keep their keys when the paths exist", () => {
    const text = JSON.stringify({
      id: 1,
      user: { email: "ann@example.com", name: "Ann" },
      gcs_path: { bucket: "b", object: "ann.pdf" },
    });
    expect(JSON.parse(redactText(text, p))).toEqual({
      id: 1,
      user: { email: REDACTED, name: "Ann" },
      gcs_path: REDACTED,
    });
  });

  it("should mask every key or array element when a segment is *", () => {
    const value = {
      customer: { home: { phone: "1", zip: "z" }, work: { phone: "2" }, other: "x" },
    };
    expect(maskJson(value, p)).toEqual({
      customer: { home: { phone: REDACTED, zip: "z" }, work: { phone: REDACTED }, other: "x" },
    });
    expect(maskJson({ customer: [{ phone: "1" }, { phone: "2" }, 3] }, p)).toEqual({
      customer: [{ phone: REDACTED }, { phone: REDACTED }, 3],
    });
  });

  it("should take a digit segment as an array index when the value is an array", () => {
    expect(maskJson({ items: [{ ssn: "1" }, { ssn: "2" }] }, p)).toEqual({
      items: [{ ssn: REDACTED }, { ssn: "2" }],
    });
    expect(maskJson({ items: { "0": { ssn: "1" } } }, p)).toEqual({
      items: { "0": { ssn: REDACTED } },
    });
  });

  it("should change nothing when the paths are missing or lead through scalars", () => {
    const value = { user: "ann", customer: null, items: [], other: { email: "x" } };
    expect(maskJson(structuredClone(value), p)).toEqual(value);
    expect(redactText('"just a string"', p)).toBe('"just a string"');
  });

  it("should return the text as it is when the entry is not JSON", () => {
    const text = 'user.email=ann@example.com {"user":';
    expect(redactText(text, p)).toBe(text);
  });

  it("should mask an own __proto__ key when it is a configured path", () => {
    const text = '{"__proto__":{"email":"ann@example.com"}}';
    expect(redactText(text, [["__proto__", "email"]])).toBe('{"__proto__":{"email":"[redacted]"}}');
    expect(redactText(text, [["__proto__"]])).toBe('{"__proto__":"[redacted]"}');
  });

  it("should say a field is covered when a configured path names it or a field around it", () => {
    expect(covers([["error"]], ["error", "message"])).toBe(true);
    expect(covers([["*"]], ["job_id"])).toBe(true);
    expect(covers([["error", "message"]], ["error"])).toBe(false);
    expect(covers([["user", "email"]], ["error", "message"])).toBe(false);
  });
});

describe("Redactor", () => {
  const config = loadConfig({
    REDRIVE_REDACT: "user.email,filename,id",
    NEXTAUTH_SECRET: "a-secret-of-sixteen-chars",
  });
  const viewer = redactorFor(config, { role: "viewer" })!;

  it("should mask nothing for an admin and everything for viewers and display sessions", () => {
    expect(redactorFor(config, { role: "admin" })).toBeNull();
    expect(redactorFor(config, { role: "viewer", display: true })).not.toBeNull();
    expect(redactorFor(config, { role: "admin", display: true })).not.toBeNull();
    expect(redactorFor(loadConfig({}), { role: "viewer" })).toBeNull();
  });

  it("should mask the text, payload, derived fields and metadata when a view is redacted", () => {
    const raw = '{"id":"u-7","user":{"email":"ann@example.com"},"filename":"ann.pdf"}';
    const out = viewer.view(
      view(raw, {
        identity: "id:u-7",
        filename: "ann.pdf",
        metadataKey: "dlq:metadata:j1:ann.pdf",
        metadata: { filename: "ann.pdf", dlq_entry_sha1: "ab".repeat(20), job_id: "j1" },
      }),
    );
    const text = JSON.stringify(out);
    expect(text).not.toContain("ann@example.com");
    expect(text).not.toContain("ann.pdf");
    expect(text).not.toContain("u-7");
    expect(text).not.toContain("ab".repeat(20));
    expect(out.payload).toEqual({ id: REDACTED, user: { email: REDACTED }, filename: REDACTED });
    expect(out.metadata).toEqual({ filename: REDACTED, dlq_entry_sha1: REDACTED, job_id: "j1" });
    expect(out.identity).toBe(identityToken(config, "id:u-7"));
  });

  it("should hide the text of an entry when it was cut", () => {
    const out = viewer.view(view('{"user":{"email":"ann@exa', { truncated: true }));
    expect(out.raw).toBe(HIDDEN_LARGE);
    expect(out.payload).toBeNull();
  });

  it("should show an entry as it is when it is not JSON", () => {
    expect(viewer.view(view("plain text, ann@example.com")).raw).toBe(
      "plain text, ann@example.com",
    );
  });

  it("should leave error groups alone when the error field is not masked", () => {
    const g = {
      id: "abc",
      errorType: "Error",
      pattern: "p",
      example: "e",
      count: 1,
      firstSeen: null,
      lastSeen: null,
    };
    expect(viewer.group(g)).toEqual(g);
    const errors = redactorFor(loadConfig({ REDRIVE_REDACT: "error" }), { role: "viewer" })!;
    expect(errors.group(g)).toMatchObject({
      errorType: REDACTED,
      pattern: REDACTED,
      example: REDACTED,
    });
  });

  it("should mask id identities in the audit when id is a masked path", () => {
    expect(auditIdentities(config, ["id:u-7", "h:" + "0".repeat(40)])).toEqual([
      `id:${REDACTED}`,
      "h:" + "0".repeat(40),
    ]);
    expect(auditIdentities(loadConfig({ REDRIVE_REDACT: "email" }), ["id:u-7"])).toEqual([
      "id:u-7",
    ]);
  });
});
