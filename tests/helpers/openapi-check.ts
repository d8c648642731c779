import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import { ROUTES } from "@/app/api/openapi.json/routes";
import { openApiDocument } from "@/lib/http/openapi";

/**
 * Checks the API tests' real answers against GET /api/openapi.json's
 * description: each answer's status must be one its operation lists, and its
 * JSON body must match the schema given for that status. The API fixture
 * (./app.ts) runs every answer of `call` through it and fails the file on a
 * departure, so the description cannot drift from what the routes answer.
 */
type Answers = Record<string, { content?: Record<string, { schema: object }> }>;
type Doc = {
  paths: Record<string, Record<string, { responses: Answers }>>;
  components: object;
};

let checker: { doc: Doc; ajv: Ajv2020; compiled: Map<string, ValidateFunction> } | undefined;

function load() {
  if (checker) return checker;
  const doc = openApiDocument(ROUTES) as unknown as Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  ajv.addSchema({ $id: "doc", ...doc.components });
  return (checker = { doc, ajv, compiled: new Map() });
}

/**
 * The description's path template a concrete path fits, e.g. /api/admin/dlq/{queue};
 * of several, the one with the most literal segments (/api/admin/dlq/stats, not {queue}).
 */
function templateOf(paths: string[], pathname: string): string | undefined {
  const parts = pathname.split("/");
  let best: { path: string; literal: number } | undefined;
  for (const path of paths) {
    const ts = path.split("/");
    if (ts.length !== parts.length) continue;
    if (!ts.every((s, i) => s.startsWith("{") || s === parts[i])) continue;
    const literal = ts.filter((s) => !s.startsWith("{")).length;
    if (!best || literal > best.literal) best = { path, literal };
  }
  return best?.path;
}

/**
 * What is wrong with an answer as the description sees it, or null: its
 * status is not listed, or its JSON body does not match. Paths the
 * description does not cover (the catch-all's 404, next-auth's) are not checked.
 */
export function describedAnswerProblem(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: string,
): string | null {
  const { doc, ajv, compiled } = load();
  const pathname = new URL(url).pathname;
  const template = templateOf(Object.keys(doc.paths), pathname);
  const op = template && doc.paths[template]?.[method.toLowerCase()];
  if (!op) return null;
  const answer = op.responses[String(status)];
  const where = `${method} ${template} ${status}`;
  if (!answer) return `${where}: a status the description does not list`;
  const schema = answer.content?.["application/json"]?.schema;
  if (!schema || !contentType?.startsWith("application/json")) return null;
  const key = `${where} json`;
  let validate = compiled.get(key);
  if (!validate) {
    const text = JSON.stringify(schema).replaceAll('"#/components', '"doc#');
    validate = ajv.compile(JSON.parse(text) as object);
    compiled.set(key, validate);
  }
  if (validate(JSON.parse(body))) return null;
  const first = validate.errors?.[0];
  return `${where}: ${first?.instancePath || "(body)"} ${first?.message ?? "does not match"}`;
}
