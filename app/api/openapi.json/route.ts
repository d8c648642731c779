import { openApiDocument } from "@/lib/http/openapi";
import { documented } from "@/lib/http/route-doc";
import { route } from "@/lib/http/route";
import { z } from "zod";
import { ROUTES } from "./routes";

let document: Record<string, unknown> | undefined;

/** GET /api/openapi.json: the OpenAPI 3.1 description of every route (lib/http/openapi.ts); no login. */
export const GET = route(
  z.record(z.string(), z.unknown()).describe("An OpenAPI 3.1 document."),
  async () => ({
    body: (document ??= openApiDocument(ROUTES)),
    headers: { "cache-control": "public, max-age=300" },
  }),
);

documented(GET, { summary: "This description: OpenAPI 3.1, made from the routes' own schemas." });
