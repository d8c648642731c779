import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";

/**
 * REDRIVE_CHECK_RESPONSES, which useApp turns on: every 2xx body is checked
 * against its route's schema. Redis holds what other clients wrote too, and a
 * score JSON cannot carry shows what a mismatch answers.
 */
const app = useApp();

/** The server's JSON lines with this msg. */
function logged(msg: string): Record<string, unknown>[] {
  return app
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{") && line.includes(`"msg":"${msg}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("a body that does not match its schema", () => {
  it("should answer 500 RESPONSE_SHAPE naming the field, not its value, when a scheduled retry's due time is infinite", async () => {
    // A producer may ZADD any score; JSON has no Infinity, so `due` would reach the client as null.
    const secret = "hunter2-do-not-show";
    await app.redis.zadd("document_retry", "+inf", JSON.stringify({ id: "r-1", token: secret }));
    const res = await app.call("/api/admin/retry/document", { cookie: await app.login("admin") });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: "RESPONSE_SHAPE",
        message:
          "The response does not match its schema at retries.0.due (invalid_type: expected number, got null)",
      },
    });
    expect(text).not.toContain(secret);
    const lines = logged("response shape mismatch");
    expect(lines.at(-1)).toMatchObject({
      level: "error",
      method: "GET",
      path: "/api/admin/retry/document",
      field: "retries.0.due",
    });
    expect(JSON.stringify(lines)).not.toContain(secret);
  });
});
