import fc from "fast-check";
import { big } from "./paths";

/** Request bodies: the admin routes' JSON, and next-auth's forms. */

/** Values of the fields the routes read, right and wrong. */
const fieldValue = (identities: string[]) =>
  fc.oneof(
    fc.constantFrom(...identities),
    fc.constantFrom(
      true,
      false,
      null,
      0,
      -1,
      1.5,
      1e308,
      "true",
      "requeue",
      "delete",
      "7",
      "",
      "ab",
      "0123456789ab",
      "zzzzzzzzzzzz",
      big(201),
      [],
      {},
      [null],
    ),
    fc.integer(),
    fc.string({ maxLength: 30 }),
    fc.jsonValue({ maxDepth: 2 }),
  );

export function mutationBody(identities: string[]) {
  const target = fc.record(
    { identity: fieldValue(identities), index: fc.oneof(fc.nat(40), fieldValue(identities)) },
    { requiredKeys: [] },
  );
  const structured = fc.record(
    {
      identity: fieldValue(identities),
      messages: fc.oneof(fc.array(target, { maxLength: 20 }), fieldValue(identities)),
      group: fieldValue(identities),
      all: fieldValue(identities),
      rank: fc.oneof(fc.nat(10), fieldValue(identities)),
      kind: fc.oneof(fc.constantFrom("requeue", "delete"), fieldValue(identities)),
      ratePerSecond: fc.oneof(fc.nat(1000), fieldValue(identities)),
      olderThanDays: fc.oneof(fc.nat(30), fieldValue(identities)),
    },
    { requiredKeys: [] },
  );
  // Bodies a route accepts, so that mutations also succeed and move data.
  const identity = fc.constantFrom(...identities);
  const wellFormed = fc.oneof(
    fc.record({ identity }),
    fc.record({
      messages: fc.array(
        fc.record({ identity, index: fc.nat(12) }, { requiredKeys: ["identity"] }),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
    }),
    fc.constant({ all: true }),
    fc.record({ identity, rank: fc.nat(3) }),
    fc.record({ kind: fc.constantFrom("requeue", "delete"), ratePerSecond: fc.nat(100) }),
    fc.record({ olderThanDays: fc.nat(10) }),
    fc.record({ group: fc.stringMatching(/^[0-9a-f]{12}$/) }),
    fc.constant({}),
  );
  const json = fc.oneof(
    { weight: 4, arbitrary: wellFormed.map((v) => JSON.stringify(v)) },
    { weight: 6, arbitrary: structured.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.json() },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("[", '{"a":'), fc.integer({ min: 1, max: 100_000 }))
        .map(([open, n]) =>
          open === "["
            ? `${"[".repeat(n)}${"]".repeat(n)}`
            : `${'{"a":'.repeat(n)}1${"}".repeat(n)}`,
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...identities), fc.integer({ min: 1, max: 20_000 }))
        .map(([identity, n]) =>
          JSON.stringify({ messages: Array.from({ length: n }, () => ({ identity })) }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "",
        "{",
        '{"a":}',
        "NaN",
        "\u0000",
        "\uFEFF{}",
        "[".repeat(10),
        "null",
        "{}",
        '{"__proto__":{"all":true}}',
        '{"constructor":{"prototype":{"admin":true}}}',
        `{"q":"${big(999_000)}"}`,
        `{"q":"${big(1_000_001)}"}`,
      ),
    },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant("application/json") },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
        "APPLICATION/JSON",
        "application/jsonx",
        "",
      ),
    },
  );
  return fc.record({ body: json, contentType });
}

export function authBody(csrfToken: string) {
  const key = fc.constantFrom(
    "csrfToken",
    "username",
    "password",
    "json",
    "callbackUrl",
    "display",
    "redirect",
  );
  const value = fc.oneof(
    fc.constantFrom(
      csrfToken,
      "admin",
      "viewer",
      "nobody",
      "true",
      "false",
      "https://evil.example/",
      "javascript:alert(1)",
      "//evil.example",
      "/",
      "",
      big(4000),
      "a\0b",
    ),
    fc.string({ unit: "grapheme", maxLength: 40 }),
  );
  const form = fc
    .array(fc.tuple(fc.oneof(key, fc.string({ maxLength: 10 })), value), { maxLength: 6 })
    .map((pairs) => new URLSearchParams(pairs).toString());
  return fc.record({
    body: fc.oneof(
      { weight: 4, arbitrary: form },
      { weight: 1, arbitrary: fc.json().map((v) => String(v)) },
      { weight: 1, arbitrary: fc.constantFrom("", "%", "csrfToken=%zz", big(20_000)) },
    ),
    contentType: fc.constantFrom(
      "application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded",
      "application/json",
      "text/plain",
      "",
    ),
  });
}
