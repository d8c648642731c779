import fc from "fast-check";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { normalizeError } from "@/lib/queues/normalize";

/*
 * The regular expressions normalizeError replaced, kept as the reference the
 * scanner must agree with. They backtrack polynomially, so they only ever see
 * the short strings generated below (≤ 40 characters), never a long input.
 */
const OLD_RULES: [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, "<url>"],
  [/(?:~|\.{1,2})?(?:\/[\w.@-]+){2,}\/?/g, "<path>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [
    // eslint-disable-next-line regexp/no-super-linear-backtracking -- reference oracle, generated inputs of ≤ 40 chars
    /\b(?:0x)?[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b|\b(?:0x)?[0-9a-f]*[a-f][0-9a-f]*\d[0-9a-f]*\b/gi,
    "<hex>",
  ],
  [/\d+(?:\.\d+)?/g, "<n>"],
];

function oldNormalizeError(message: string): string {
  let out = message.slice(0, 2000);
  for (const [pattern, token] of OLD_RULES) out = out.replace(pattern, token);
  return out.replace(/\s+/g, " ").trim().slice(0, 300);
}

/** Characters the rules care about, so that generated strings hit their edges often. */
const ALPHABET = [..."0123456789abcdefx./: -_\"'\n~@+ABFXgsz\t\u00a0<>"];
const ruleText = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength });

function timed(message: string): { ms: number; out: string } {
  const start = performance.now();
  const out = normalizeError(message);
  return { ms: performance.now() - start, out };
}

describe("normalizeError", () => {
  it("should normalise URLs, paths, UUIDs, hex ids and numbers when they appear in a message", () => {
    expect(normalizeError("timed out after 30 s reading gs://b/u/1.pdf")).toBe(
      "timed out after <n> s reading <url>",
    );
    expect(normalizeError("open ~/cache/a.json: ENOENT")).toBe("open <path>: ENOENT");
    expect(normalizeError("open ../etc/passwd and ./x/y/ now")).toBe("open <path> and <path> now");
    expect(normalizeError("id 7F9C2D1E-5B8A-4C3F-9E2D-00000000ABCD gone")).toBe("id <uuid> gone");
    expect(normalizeError("address 0x7ffe12ab, size 1.5 MB")).toBe("address <hex>, size <n> MB");
    expect(normalizeError("  many\n\n  lines\t here ")).toBe("many lines here");
  });

  it("should put messages in one group when they differ only in their variable parts", () => {
    expect(normalizeError("timed out after 30 s reading gs://b/u/1.pdf")).toBe(
      normalizeError("timed out after 31 s reading gs://b/u/2.pdf"),
    );
    expect(normalizeError("Job 1f3a9 failed")).toBe(normalizeError("Job 2b4c8 failed"));
    expect(normalizeError("Job 1f3a9 failed")).toBe("Job <hex> failed");
  });

  it("should treat a hex candidate as a whole word when it has a digit and a letter a-f", () => {
    expect(normalizeError("deadbeef")).toBe("deadbeef");
    expect(normalizeError("123abc")).toBe("<hex>");
    expect(normalizeError("ab12_x")).toBe("ab<n>_x");
    expect(normalizeError("sha256 of face")).toBe("sha<n> of face");
    expect(normalizeError("0x1A and 0xab")).toBe("<hex> and <n>xab");
    expect(normalizeError("version 1.5e3")).toBe("version <n>.<hex>");
  });

  it("should cut the output to 300 characters when the message is long", () => {
    const out = normalizeError("word ".repeat(1000));
    expect(out).toHaveLength(300);
    expect(out.startsWith("word word")).toBe(true);
  });

  it("should look only at the first 2 000 characters when the message is longer", () => {
    expect(normalizeError(`${" ".repeat(1995)}abcdefgh`)).toBe("abcde");
    expect(normalizeError(`${"\n".repeat(1990)}failed at gs://b/u/1.pdf`)).toBe("failed at");
  });

  const pathological: [string, string][] = [
    ["hex digits", "9f".repeat(50_000)],
    ["hex digits then a non-hex letter", `${"a1".repeat(999)}g`],
    ["digits", "1".repeat(100_000)],
    ["dots", ".".repeat(100_000)],
    ["spaces", " ".repeat(100_000)],
    ["spaces with a word", `${" ".repeat(99_999)}x`],
    ["quotes", `"'`.repeat(50_000)],
    ["slashes", "/".repeat(100_000)],
    ["a1 repeated", "a1 ".repeat(33_000)],
    ["0x repeated", "0x".repeat(50_000)],
    [".1 repeated", ".1".repeat(50_000)],
    ["/a repeated", "/a".repeat(50_000)],
    ["~/a./ repeated", "~/a./".repeat(20_000)],
    ["../ repeated", "../".repeat(33_000)],
    ["URL without end", `http://${"a".repeat(100_000)}`],
    ["schemes without a URL", "a:/".repeat(33_000)],
    ["scheme characters", "a-".repeat(50_000)],
    ["UUID prefixes", "00000000-0000-0000-0000-".repeat(4_000)],
    ["100 KB of text", "GCS download timed out after 30 s: gs://b/u/1.pdf ".repeat(2_000)],
    ["10 000 lines", "Traceback line 42 in /srv/app/worker.py\n".repeat(10_000)],
  ];
  it.each(pathological)(
    "should normalise in well under 50 ms when the message is %s",
    (_name, message) => {
      normalizeError(message); // warm up the code paths, so the measure is of the algorithm
      const { ms, out } = timed(message);
      expect(ms).toBeLessThan(50);
      expect(out.length).toBeLessThanOrEqual(300);
    },
  );

  it("should not throw and stay within 300 characters when the message is arbitrary text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 3000 }), ruleText(3000)), (message) => {
        const out = normalizeError(message);
        expect(out.length).toBeLessThanOrEqual(300);
        expect(out).toBe(out.trim());
        expect(out).not.toMatch(/\s\s|[\t\n\r]/);
      }),
      { numRuns: 300 },
    );
  });

  it("should replace every digit when the message is arbitrary text", () => {
    fc.assert(
      fc.property(ruleText(300), (message) => {
        expect(normalizeError(message)).not.toMatch(/\d/);
      }),
      { numRuns: 1000 },
    );
  });

  it("should leave a normalised message unchanged when it had no digits", () => {
    // With digits it need not be: "9x://b" gives "<n>x://b", in which "x://b" now starts a URL.
    fc.assert(
      fc.property(ruleText(200), (raw) => {
        const once = normalizeError(raw.replace(/\d/g, ""));
        fc.pre(once.length < 300);
        expect(normalizeError(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it("should give the same result as the former regular expressions when the message is short", () => {
    fc.assert(
      fc.property(fc.oneof(ruleText(40), fc.string({ maxLength: 40 })), (message) => {
        expect(normalizeError(message)).toBe(oldNormalizeError(message));
      }),
      { numRuns: 20_000 },
    );
  });
});
