import fc from "fast-check";
import { QUEUES } from "./acl";

/** Path segments and query strings, right and hostile. */

export const big = (n: number) => "x".repeat(n);
const encoded = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "bad%ZZ"; // a lone surrogate: send an invalid escape instead
  }
};

export const queueSegment = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...QUEUES) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "nope",
      "%2e%2e",
      "..%2F",
      "..%2F..%2Fother",
      "%2E",
      "document_dlq",
      "%7Bdocument%7D",
      "{document}",
      "*",
      "",
      "%00",
      "%",
      "%zz",
      "%E0%A4%A",
      "document%2F..",
      "DOCUMENT",
      "document%20",
      "__proto__",
      "constructor",
      "hasOwnProperty",
      "dlq:metadata:x",
      "other:secret",
      "app_queue",
      "%C3%A9t%C3%A9",
      "q".repeat(300),
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }).map(encoded) },
  { weight: 1, arbitrary: fc.string({ minLength: 300, maxLength: 300 }).map(encoded) },
);

export const indexSegment = fc.oneof(
  { weight: 3, arbitrary: fc.nat(40).map(String) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "-1",
      "1e9",
      "1e10",
      "1.5",
      "NaN",
      "Infinity",
      "abc",
      "0x1",
      "99999999999999999999",
      "",
      "%2D1",
      "%201",
      "1%00",
      "%",
      "000000000001",
      "999999999",
      "1000000000",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(encoded) },
);

/** A move route's [mode]: mostly the two it serves, else words it must refuse with a 404. */
export const modeSegment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("requeue", "delete") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "Requeue",
      "move",
      "purge",
      "message",
      "tasks",
      "%72equeue",
      "requeue%00",
      "delete%2F0",
      "toString",
      "__proto__",
      "",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(encoded) },
);

const QUERY_KEYS = [
  "offset",
  "limit",
  "q",
  "window",
  "before",
  "namespace",
  "minutes",
  "scan",
  "identity",
  "__proto__",
  "constructor",
  "toString",
];

const hostileValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "0",
      "1",
      "50",
      "200",
      "201",
      "-1",
      "1.5",
      "1e9",
      "1e10",
      "NaN",
      "Infinity",
      "-Infinity",
      "99999999999999999999",
      "0x10",
      " 5",
      "",
      "1h",
      "24h",
      "7d",
      "30d",
      "user",
      "graph",
      "other",
      "__proto__",
      "1-0",
      "99999999999999999999-99999999999999999999",
      "0-0",
      "(a+)+$",
      ".*",
      "[",
      "\\",
      "a\0b",
      "é€𝄞",
      "<script>alert(1)</script>",
      "boom",
      "id:d-1",
      "1440",
      "1441",
      "100000",
      "100001",
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** A raw query string: repeated keys, hostile values, at most one 10 KB value, broken escapes. */
export const queryString = (identities: string[]) =>
  fc
    .tuple(
      fc.array(
        fc.oneof(
          fc.tuple(
            fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 10 })),
            hostileValue,
          ),
          fc.tuple(fc.constant("identity"), fc.constantFrom(...identities)),
        ),
        { maxLength: 5 },
      ),
      fc.option(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.constantFrom(10 * 1024, 200, 201)), {
        freq: 4,
      }),
      fc.option(
        fc.constantFrom("%", "%zz", "q=%E0%A4%A", "q=%00", "&&", "=", "==x", "+", "a=1;b=2"),
        {
          freq: 3,
        },
      ),
    )
    .map(([pairs, long, raw]) => {
      const parts = pairs.map(([k, v]) => `${encoded(k)}=${encoded(v)}`);
      if (long) parts.push(`${long[0]}=${big(long[1])}`);
      if (raw) parts.push(raw);
      return parts.length > 0 ? `?${parts.join("&")}` : "";
    });
