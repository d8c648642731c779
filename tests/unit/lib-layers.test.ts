import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * lib/ is layered: each folder (or top-level module) imports only from lower
 * ones, so any part can be read, tested and moved without dragging in the
 * rest. A cycle anywhere in lib/ fails here with the modules that form it.
 */

const ROOT = resolve(__dirname, "../..");
const LIB = join(ROOT, "lib");
const SOURCE = /\.(?:ts|tsx|mts|mjs)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = resolve(dirname(from), spec);
  else return null;
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    `${base}.mjs`,
    join(base, "index.ts"),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every lib/ module and the lib/ modules it imports (type-only imports included). */
function libImports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of walk(LIB).filter((f) => SOURCE.test(f))) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/\b(?:from|import)\s*["']([^"']+)["']/g)]
      .map((m) => resolveImport(file, m[1]!))
      .filter((t): t is string => t !== null && t.startsWith(`${LIB}/`));
    graph.set(file, targets);
  }
  return graph;
}

/** lib/queues/dlq.ts -> "queues", lib/config.ts -> "config". */
function unitOf(file: string): string {
  const [first, ...rest] = relative(LIB, file).split("/");
  return rest.length > 0 ? first! : first!.replace(SOURCE, "");
}

/** The strongly connected components of more than one node (Tarjan), each sorted. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("lib/ layering", () => {
  const imports = libImports();

  it("should find no import cycle between lib/ folders when every lib/ module's imports are read", () => {
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of imports) {
      const from = unitOf(file);
      const edges = folders.get(from) ?? new Set<string>();
      for (const target of targets) if (unitOf(target) !== from) edges.add(unitOf(target));
      folders.set(from, edges);
    }
    expect(cycles(folders)).toEqual([]);
  });

  it("should find no import cycle between lib/ modules when every lib/ module's imports are read", () => {
    const files = new Map<string, Set<string>>();
    for (const [file, targets] of imports) {
      files.set(relative(LIB, file), new Set(targets.map((t) => relative(LIB, t))));
    }
    expect(cycles(files)).toEqual([]);
  });
});
