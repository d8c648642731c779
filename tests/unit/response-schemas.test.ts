import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, routeFiles } from "../helpers/route-files";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as responses from "@/lib/http/responses";
import { shapeMismatch, type JsonRoute } from "@/lib/http/route";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * Route files that answer no JSON body of their own: the catch-all answers
 * only the error envelope (404), and next-auth's routes are next-auth's.
 */
const WITHOUT_SCHEMA: Record<string, string> = {
  "app/api/[...path]/route.ts": "answers only the error envelope",
  "app/api/auth/[...nextauth]/route.ts": "next-auth's own answers",
};

const files = routeFiles();

describe("route response schemas", () => {
  it("should find the route files when app/api is walked", () => {
    expect(files.length).toBeGreaterThan(25);
    for (const file of Object.keys(WITHOUT_SCHEMA)) expect(files).toContain(file);
  });

  it("should declare a response schema when a route file under app/api exports a JSON handler", async () => {
    const undeclared: string[] = [];
    let handlers = 0;
    for (const file of files.filter((f) => !(f in WITHOUT_SCHEMA))) {
      const source = readFileSync(join(ROOT, file), "utf8");
      const exported = METHODS.filter((m) => new RegExp(`export const ${m}\\b`).test(source));
      expect(exported.length, file).toBeGreaterThan(0);
      const routeModule = (await import(join(ROOT, file))) as Record<string, Partial<JsonRoute>>;
      for (const method of exported) {
        handlers++;
        const schema = routeModule[method]?.responseSchema;
        if (!(schema instanceof z.ZodType)) undeclared.push(`${method} ${file}`);
      }
    }
    expect(undeclared).toEqual([]);
    expect(handlers).toBeGreaterThan(25);
  });

  it("should convert to JSON Schema when every response schema is given to z.toJSONSchema", () => {
    const schemas = Object.entries(responses).filter(([, s]) => s instanceof z.ZodType);
    expect(schemas.length).toBeGreaterThan(20);
    for (const [name, schema] of schemas) {
      const json = z.toJSONSchema(schema as z.ZodType) as { additionalProperties?: boolean };
      if (name !== "HealthResponseSchema") expect(json.additionalProperties, name).toBe(false);
    }
  });
});

describe("shapeMismatch", () => {
  const Schema = z.strictObject({
    queue: z.string(),
    messages: z.array(z.strictObject({ raw: z.string(), retryCount: z.number().int() })),
  });
  const secret = "token=hunter2";

  it("should find nothing when the body matches", () => {
    expect(shapeMismatch(Schema, { queue: "q", messages: [{ raw: secret, retryCount: 1 }] })).toBe(
      null,
    );
  });

  it("should name the first bad field and its type but not its value when a field has the wrong type", () => {
    const mismatch = shapeMismatch(Schema, { queue: "q", messages: [{ raw: 5, retryCount: 1 }] });
    expect(mismatch).toEqual({
      field: "messages.0.raw",
      issue: "invalid_type: expected string, got number",
    });
    const leaked = shapeMismatch(Schema, { queue: secret, messages: [{ raw: secret }] });
    expect(leaked).toEqual({
      field: "messages.0.retryCount",
      issue: "invalid_type: expected number, got missing",
    });
    expect(JSON.stringify(leaked)).not.toContain("hunter2");
  });

  it("should name the undeclared field when a body has one", () => {
    const body = { queue: "q", messages: [{ raw: "x", retryCount: 1, [secret]: secret }] };
    const mismatch = shapeMismatch(Schema, body);
    expect(mismatch).toEqual({ field: `messages.0.${secret}`, issue: "unrecognized_keys" });
  });

  it("should name the field when a count is not whole, and the whole body when it is not an object", () => {
    expect(
      shapeMismatch(Schema, { queue: "q", messages: [{ raw: "x", retryCount: 1.5 }] }),
    ).toEqual({ field: "messages.0.retryCount", issue: "invalid_type: expected int, got number" });
    expect(shapeMismatch(Schema, [secret])).toEqual({
      field: "(body)",
      issue: "invalid_type: expected object, got array",
    });
  });
});
