import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The route a request path belongs to, as a bounded label for the HTTP
 * latency histogram: `/api/admin/dlq/[queue]/requeue/[index]`, never the path
 * itself (queue names, indexes and any path a client invents would make the
 * label unbounded). Templates come from the build's route manifest; matching
 * compares segments (no regular expression on the client's path), preferring
 * at each segment a literal name over a [param] over a [...catch-all], as
 * Next's router does.
 */

/** Paths that no template of the app names. */
export const UNMATCHED = "unmatched";
/** The browser's compiled assets, one label for all of them. */
export const STATIC_ASSETS = "/_next/static";

type Segment = { literal: string } | { param: true } | { rest: "one-or-more" | "zero-or-more" };

export interface RouteTemplate {
  template: string;
  segments: Segment[];
}

function parseSegment(text: string): Segment {
  if (text.startsWith("[[...") && text.endsWith("]]")) return { rest: "zero-or-more" };
  if (text.startsWith("[...") && text.endsWith("]")) return { rest: "one-or-more" };
  if (text.startsWith("[") && text.endsWith("]")) return { param: true };
  return { literal: text };
}

export function parseTemplates(templates: readonly string[]): RouteTemplate[] {
  return templates.map((template) => ({
    template,
    segments: template.split("/").filter(Boolean).map(parseSegment),
  }));
}

/** Per segment: 2 literal, 1 param, 0 catch-all; null when the path does not match. */
function rank(t: RouteTemplate, parts: string[]): number[] | null {
  const ranks: number[] = [];
  for (let i = 0; i < t.segments.length; i++) {
    const s = t.segments[i]!;
    if ("rest" in s) {
      const left = parts.length - i;
      return left > 0 || s.rest === "zero-or-more" ? [...ranks, 0] : null;
    }
    const part = parts[i];
    if (part === undefined) return null;
    if ("literal" in s && s.literal !== part) return null;
    ranks.push("literal" in s ? 2 : 1);
  }
  return t.segments.length === parts.length ? ranks : null;
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x > y;
  }
  return false;
}

/** The template of `path` (no query) among `templates`, or UNMATCHED / STATIC_ASSETS. */
export function routeOf(path: string, templates: readonly RouteTemplate[]): string {
  if (path.startsWith(`${STATIC_ASSETS}/`)) return STATIC_ASSETS;
  const parts = path.split("/").filter(Boolean);
  let best: { template: string; ranks: number[] } | null = null;
  for (const t of templates) {
    const ranks = rank(t, parts);
    if (ranks && (!best || better(ranks, best.ranks))) best = { template: t.template, ranks };
  }
  return best?.template ?? UNMATCHED;
}

/** Next's own pages for errors, not routes a client asks for. */
const INTERNAL = new Set(["/_not-found", "/_global-error"]);

/** The app's routes from the build (.next/app-path-routes-manifest.json in the working folder). */
export function loadTemplates(dir = process.cwd()): RouteTemplate[] {
  try {
    const file = join(dir, ".next", "app-path-routes-manifest.json");
    const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    const paths = [...new Set(Object.values(manifest))].filter((p) => !INTERNAL.has(p));
    return parseTemplates(paths);
  } catch {
    return [];
  }
}
