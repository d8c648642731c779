import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * A static check that every Lua script touches only the keys it declares:
 * each key argument of each redis.call / redis.pcall must be KEYS[...], or a
 * local every binding of which is KEYS[...] or `for _, k in ipairs(KEYS)`. Redis
 * Cluster routes a script by its declared keys; a key named any other way (an
 * ARGV value, a string built at run time) may live in another slot, on another
 * node. The check is conservative, so that a new script cannot slip past it by
 * a shape it does not know: a command missing from KEY_ARGS, a command name
 * that is not a literal, `redis` or `redis.call` used as a value, or a rebound
 * KEYS fails it.
 */

const LUA_DIR = fileURLToPath(new URL("../../lib/queues/lua", import.meta.url));
const FILE = /^([a-z][a-zA-Z0-9]*)-([1-9]\d*|n)\.lua$/;

/** Positions (1 = the first argument after the command name) of each command's keys; "all": every argument. */
const KEY_ARGS: Record<string, number[] | "all"> = {
  DEL: "all",
  EXISTS: "all",
  EXPIRE: [1],
  GET: [1],
  HDEL: [1],
  HEXISTS: [1],
  HGET: [1],
  HGETALL: [1],
  HKEYS: [1],
  HINCRBY: [1],
  HLEN: [1],
  HMGET: [1],
  HSCAN: [1],
  HSET: [1],
  HSETNX: [1],
  INCR: [1],
  DECR: [1],
  LINDEX: [1],
  LLEN: [1],
  LPUSH: [1],
  LRANGE: [1],
  LREM: [1],
  LSET: [1],
  LTRIM: [1],
  RENAME: [1, 2],
  RPUSH: [1],
  SET: [1],
  TIME: [],
  TTL: [1],
  TYPE: [1],
  XADD: [1],
  XTRIM: [1],
  ZADD: [1],
  ZCARD: [1],
  ZCOUNT: [1],
  ZRANGE: [1],
  ZREM: [1],
  ZREMRANGEBYRANK: [1],
  ZSCORE: [1],
};

/** Fields of `redis` a script may use other than call and pcall (none of them names a key). */
const REDIS_FIELDS = new Set(["call", "pcall", "sha1hex", "log", "error_reply", "status_reply"]);

/** Names through which a script could reach redis.call or a key without the checks seeing it. */
const FORBIDDEN = new Set(["_G", "getfenv", "setfenv", "loadstring", "load", "rawget", "dofile"]);

interface Token {
  kind: "name" | "string" | "number" | "op";
  text: string;
  line: number;
}

/** The end of a long bracket ([[...]], [==[...]==]) opening at `at`, or null when none opens there. */
function longBracketEnd(src: string, at: number): number | null {
  const m = /^\[(=*)\[/.exec(src.slice(at, at + 64));
  if (!m) return null;
  const close = `]${m[1]}]`;
  const end = src.indexOf(close, at + m[0].length);
  if (end < 0) throw new Error("unterminated long bracket");
  return end + close.length;
}

/** Lua tokens without comments; strings keep their raw text (escapes are not decoded). */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const skip = (end: number) => {
    line += (src.slice(i, end).match(/\n/g) ?? []).length;
    i = end;
  };
  while (i < src.length) {
    const c = src[i]!;
    const rest = src.slice(i, i + 64);
    if (/\s/.test(c)) skip(i + 1);
    else if (src.startsWith("--", i)) {
      const eol = src.indexOf("\n", i);
      skip(longBracketEnd(src, i + 2) ?? (eol < 0 ? src.length : eol));
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      tokens.push({ kind: "string", text: src.slice(i + 1, j), line });
      skip(j + 1);
    } else if (c === "[" && longBracketEnd(src, i) !== null) {
      const end = longBracketEnd(src, i)!;
      tokens.push({ kind: "string", text: src.slice(i, end), line });
      skip(end);
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(rest)!;
      tokens.push({ kind: "name", text: m[0], line });
      skip(i + m[0].length);
    } else if (/\d/.test(c)) {
      const m = /^(?:0x[\da-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)/.exec(rest)!;
      tokens.push({ kind: "number", text: m[0], line });
      skip(i + m[0].length);
    } else {
      const op = ["...", "..", "==", "~=", "<=", ">="].find((o) => src.startsWith(o, i)) ?? c;
      tokens.push({ kind: "op", text: op, line });
      skip(i + op.length);
    }
  }
  return tokens;
}

const is = (t: Token | undefined, text: string) =>
  t !== undefined && t.text === text && t.kind !== "string";
const OPENERS = new Set(["(", "[", "{"]);
const CLOSERS = new Set([")", "]", "}"]);
const OPERATORS = new Set(["and", "or", "not"]);
const STATEMENT_WORDS = new Set([
  "local",
  "return",
  "if",
  "for",
  "while",
  "do",
  "end",
  "else",
  "elseif",
  "then",
  "until",
  "repeat",
  "break",
  "function",
]);

/** Whether `t` cannot continue the expression that `prev` ends (a new statement starts). */
function startsStatement(prev: Token, t: Token): boolean {
  if (t.kind === "name" && STATEMENT_WORDS.has(t.text)) return true;
  const prevEnds = (prev.kind !== "op" && !OPERATORS.has(prev.text)) || CLOSERS.has(prev.text);
  return prevEnds && t.kind === "name" && !OPERATORS.has(t.text);
}

/**
 * The comma-separated expressions from `from` to the end of the statement or
 * of the enclosing bracket, and the index after them.
 */
function exprList(tokens: Token[], from: number): { exprs: Token[][]; end: number } {
  const exprs: Token[][] = [[]];
  let depth = 0;
  let i = from;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "op" && CLOSERS.has(t.text) && depth === 0) break;
    const prev = exprs.at(-1)!.at(-1);
    if (depth === 0 && prev && startsStatement(prev, t)) break;
    if (t.kind === "op" && OPENERS.has(t.text)) depth++;
    if (t.kind === "op" && CLOSERS.has(t.text)) depth--;
    if (depth === 0 && is(t, ",")) exprs.push([]);
    else exprs.at(-1)!.push(t);
  }
  return { exprs: exprs[0]!.length === 0 && exprs.length === 1 ? [] : exprs, end: i };
}

/** Whether the tokens are exactly KEYS[<any expression>]. */
function isKeysIndex(expr: Token[]): boolean {
  if (expr.length < 4 || !is(expr[0], "KEYS") || !is(expr[1], "[") || !is(expr.at(-1), "]")) {
    return false;
  }
  let depth = 0;
  for (let i = 1; i < expr.length; i++) {
    if (expr[i]!.kind === "op" && OPENERS.has(expr[i]!.text)) depth++;
    if (expr[i]!.kind === "op" && CLOSERS.has(expr[i]!.text)) depth--;
    if (depth === 0 && i < expr.length - 1) return false;
  }
  return true;
}

type Binding = "keys" | "other";

/** Every binding of every name: local lists, for variables, parameters and assignment targets. */
function bindings(tokens: Token[]): Map<string, Binding[]> {
  const out = new Map<string, Binding[]>();
  const bind = (name: string, how: Binding) => out.set(name, [...(out.get(name) ?? []), how]);
  const nameList = (from: number): { names: string[]; end: number } => {
    const names: string[] = [];
    let i = from;
    while (tokens[i]?.kind === "name") {
      names.push(tokens[i]!.text);
      if (!is(tokens[i + 1], ",")) return { names, end: i + 1 };
      i += 2;
    }
    return { names, end: i };
  };
  tokens.forEach((t, i) => {
    if (is(t, "local") && is(tokens[i + 1], "function")) bind(tokens[i + 2]!.text, "other");
    else if (is(t, "local")) {
      const { names, end } = nameList(i + 1);
      const exprs = is(tokens[end], "=") ? exprList(tokens, end + 1).exprs : [];
      names.forEach((n, k) => bind(n, exprs[k] && isKeysIndex(exprs[k]) ? "keys" : "other"));
    } else if (is(t, "for")) {
      const { names, end } = nameList(i + 1);
      const overKeys =
        is(tokens[end], "in") &&
        is(tokens[end + 1], "ipairs") &&
        is(tokens[end + 2], "(") &&
        is(tokens[end + 3], "KEYS") &&
        is(tokens[end + 4], ")");
      names.forEach((n, k) =>
        bind(n, overKeys && k === 1 && names.length === 2 ? "keys" : "other"),
      );
    } else if (is(t, "function")) {
      let j = i + 1;
      while (!is(tokens[j], "(")) j++;
      nameList(j + 1).names.forEach((n) => bind(n, "other"));
    } else if (t.kind === "name" && !is(tokens[i - 1], "local") && !is(tokens[i - 1], ".")) {
      // An assignment target: the name starts (or is inside) a name list that ends in "=".
      let j = i + 1;
      while (is(tokens[j], ",") && tokens[j + 1]?.kind === "name") j += 2;
      if (is(tokens[j], "=") && !is(tokens[i - 1], ",")) {
        for (let k = i; k < j; k += 2) bind(tokens[k]!.text, "other");
      }
    }
  });
  return out;
}

/** What is wrong with one script, as "file:line: message" strings. */
function problems(file: string, src = readFileSync(join(LUA_DIR, file), "utf8")): string[] {
  const tokens = tokenize(src);
  const bound = bindings(tokens);
  const count = FILE.exec(file)?.[2];
  const out: string[] = [];
  const isKey = (expr: Token[]): boolean => {
    if (isKeysIndex(expr)) return true;
    if (expr.length !== 1 || expr[0]!.kind !== "name") return false;
    const b = bound.get(expr[0]!.text) ?? [];
    return b.length > 0 && b.every((how) => how === "keys");
  };
  const isKeysUnpack = (expr: Token[]) =>
    is(expr[0], "unpack") &&
    is(expr[1], "(") &&
    is(expr[2], "KEYS") &&
    (is(expr[3], ")") || is(expr[3], ",")) &&
    is(expr.at(-1), ")");
  for (const name of ["KEYS", "ARGV", "redis"]) {
    if (bound.has(name)) out.push(`${file}: ${name} is rebound`);
  }
  tokens.forEach((t, i) => {
    const at = `${file}:${t.line}`;
    if (t.kind === "name" && FORBIDDEN.has(t.text)) out.push(`${at}: uses ${t.text}`);
    if (is(t, "KEYS") && is(tokens[i + 1], "[") && tokens[i + 2]?.kind === "number") {
      const n = Number(tokens[i + 2]!.text);
      if (count !== "n" && (n < 1 || n > Number(count)))
        out.push(`${at}: KEYS[${n}] beyond ${count} keys`);
    }
    if (!is(t, "redis") || is(tokens[i - 1], ".")) return;
    const field = tokens[i + 2];
    if (!is(tokens[i + 1], ".") || !field || !REDIS_FIELDS.has(field.text)) {
      out.push(`${at}: redis used other than as redis.<known field>`);
      return;
    }
    if (field.text !== "call" && field.text !== "pcall") return;
    if (!is(tokens[i + 3], "(")) {
      out.push(`${at}: redis.${field.text} used as a value`);
      return;
    }
    const { exprs: args } = exprList(tokens, i + 4);
    const command =
      args[0]?.length === 1 && args[0][0]!.kind === "string" ? args[0][0]!.text : null;
    const spec = command === null ? undefined : KEY_ARGS[command.toUpperCase()];
    if (spec === undefined) {
      out.push(`${at}: command ${command ?? "(not a literal)"} is not in KEY_ARGS`);
      return;
    }
    const keyArgs = spec === "all" ? args.slice(1) : spec.map((p) => args[p] ?? []);
    keyArgs.forEach((arg, k) => {
      const lastAll = spec === "all" && k === keyArgs.length - 1 && isKeysUnpack(arg);
      if (!isKey(arg) && !lastAll) {
        out.push(
          `${at}: ${command} key ${arg.map((x) => x.text).join("") || "(missing)"} is not in KEYS`,
        );
      }
    });
  });
  return out;
}

const files = readdirSync(LUA_DIR)
  .filter((f) => f.endsWith(".lua"))
  .sort();

describe("Lua scripts' keys", () => {
  it("should find every key argument of every redis.call in KEYS when each script is parsed", () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap((f) => problems(f))).toEqual([]);
  });

  it("should report each way of naming a key outside KEYS when the checker reads such scripts", () => {
    const bad = [
      'redis.call("HSET", ARGV[1], "f", "v")',
      'redis.call("DEL", unpack(found))',
      'local k = KEYS[1] .. ":meta"\nredis.call("GET", k)',
      'local k = KEYS[1]\nk = ARGV[1]\nredis.call("GET", k)',
      'local k, j = KEYS[1], KEYS[2]\nj, k = k, ARGV[1]\nredis.call("GET", k)',
      'local function f(key) return redis.call("GET", key) end',
      'local call = redis.call\ncall("GET", KEYS[1])',
      'local r = redis\nr.call("GET", ARGV[1])',
      'pcall(redis.pcall, "GET", ARGV[1])',
      "redis.call(ARGV[1], KEYS[1])",
      'redis.call("SUNIONSTORE", KEYS[1], ARGV[1])',
      'redis.call("GET", KEYS[3])',
      'KEYS = ARGV\nredis.call("GET", KEYS[1])',
      '_G.redis.call("GET", ARGV[1])',
      'for i, key in ipairs(ARGV) do redis.call("GET", key) end',
    ];
    const missed = bad.filter((src) => problems("probe-2.lua", src).length === 0);
    expect(missed).toEqual([]);
    const good = [
      'local src, dst = KEYS[1], KEYS[2]\nredis.call("LPUSH", dst, redis.call("LINDEX", src, -1))',
      'for _, key in ipairs(KEYS) do redis.call("DEL", key) end\nredis.call("DEL", unpack(KEYS))',
      '-- redis.call("GET", ARGV[1]) in a comment\nlocal s = "redis.call(ARGV[1])"\nredis.call("TIME")',
    ];
    expect(good.flatMap((src) => problems("probe-2.lua", src))).toEqual([]);
  });
});
