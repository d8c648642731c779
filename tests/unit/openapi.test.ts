import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { ROOT, routeFiles } from "../helpers/route-files";
import { describe, expect, it } from "vitest";
import { ROUTES } from "@/app/api/openapi.json/routes";
import { METHODS, openApiDocument } from "@/lib/http/openapi";

/** Route files the description leaves out, and why. */
const LEFT_OUT: Record<string, string> = {
  "app/api/[...path]/route.ts": "the catch-all: 404 for every path no route has",
  "app/api/auth/[...nextauth]/route.ts": "next-auth's login flow, for browsers",
  "app/api/openapi.json/route.ts": "the description itself",
};

type Operation = {
  summary: string;
  parameters: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security: unknown[];
};
const doc = openApiDocument(ROUTES) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
};

describe("GET /api/openapi.json", () => {
  it("should describe every method of every route file under app/api", () => {
    const missing: string[] = [];
    for (const file of routeFiles().filter((f) => !(f in LEFT_OUT))) {
      const path = file
        .replace(/^app/, "")
        .replace(/\/route\.ts$/, "")
        .replaceAll("[", "{")
        .replaceAll("]", "}");
      const source = readFileSync(join(ROOT, file), "utf8");
      for (const method of METHODS.filter((m) => source.includes(`export const ${m} `))) {
        const op = doc.paths[path]?.[method.toLowerCase()];
        if (!op || op.summary.length < 10) missing.push(`${method} ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(25);
  });

  it("should give each operation its parameters, body, answers and ways to authenticate", () => {
    const move = doc.paths["/api/admin/dlq/{queue}/{mode}"]!.post!;
    expect(move.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "path:queue",
      "path:mode",
      "header:Idempotency-Key",
    ]);
    expect(move.requestBody).toBeDefined();
    expect(Object.keys(move.responses)).toEqual(
      expect.arrayContaining(["200", "401", "403", "404", "415"]),
    );
    expect(move.security).toEqual([{ session: [] }, { token: [] }]);
    const page = doc.paths["/api/admin/dlq/{queue}"]!.get!;
    expect(page.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "path:queue",
      "query:offset",
      "query:limit",
      "query:q",
    ]);
    const tokens = doc.paths["/api/admin/tokens"]!;
    expect(tokens.post!.responses["201"]).toBeDefined();
    // Only a session creates a token; an admin token may list them.
    expect(tokens.post!.security).toEqual([{ session: [] }]);
    expect(tokens.get!.security).toEqual([{ session: [] }, { token: [] }]);
    expect(doc.paths["/api/health/live"]!.get!.security).toEqual([]);
  });

  it("should hold only JSON Schemas that compile under draft 2020-12, OpenAPI 3.1's", () => {
    expect(doc.openapi).toBe("3.1.0");
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: "doc", ...(doc as unknown as { components: object }).components }, "doc");
    let compiled = 0;
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const answer of Object.values(op.responses) as { content?: object }[]) {
          for (const media of Object.values(answer.content ?? {}) as { schema: object }[]) {
            const schema = JSON.parse(
              JSON.stringify(media.schema).replaceAll('"#/components', '"doc#'),
            ) as object;
            ajv.compile(schema);
            compiled++;
          }
        }
      }
    }
    expect(compiled).toBeGreaterThan(100);
  });
});
