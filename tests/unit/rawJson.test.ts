import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  editFields,
  findMember,
  MAX_JSON_DEPTH,
  parseTopLevel,
  parseTopLevelPrefix,
  rawValue,
} from "@/lib/queues/rawJson";

const b = (s: string) => Buffer.from(s);

describe("parseTopLevel", () => {
  it("should list top-level members with exact value spans when given an object", () => {
    const buf = b('{"a": 1, "b":{"c":[1,"}",{"d":null}]}, "e" : "x\\"y"}');
    const obj = parseTopLevel(buf)!;
    expect(obj.members.map((m) => m.key)).toEqual(["a", "b", "e"]);
    expect(rawValue(buf, findMember(obj, "b")!)).toBe('{"c":[1,"}",{"d":null}]}');
    expect(rawValue(buf, findMember(obj, "e")!)).toBe('"x\\"y"');
  });

  it("should return null when the bytes are not one JSON object", () => {
    for (const s of [
      "",
      "plain text",
      "[1,2]",
      '"s"',
      "{",
      '{"a":}',
      '{"a":1}x',
      '{"a":1,}',
      "{'a':1}",
      '{"a":tru}',
    ]) {
      expect(parseTopLevel(b(s)), s).toBeNull();
    }
  });

  it("should return null, not overflow the stack, when containers nest past MAX_JSON_DEPTH", () => {
    const nest = (depth: number) => b(`{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    expect(parseTopLevel(nest(MAX_JSON_DEPTH))?.members.length).toBe(1);
    for (const depth of [MAX_JSON_DEPTH + 1, 10_000, 200_000]) {
      expect(parseTopLevel(nest(depth))).toBeNull();
      expect(parseTopLevelPrefix(nest(depth))).toEqual([]);
    }
  });

  it("should agree with JSON.parse on which inputs are objects when given random JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
        const obj = parseTopLevel(b(text));
        expect(obj !== null).toBe(isObject);
        if (!obj) return;
        // Object.keys puts integer-like keys first, so compare as sorted lists.
        const keys = obj.members.map((m) => m.key).sort();
        expect(keys).toEqual(Object.keys(JSON.parse(text) as object).sort());
      }),
    );
  });
});

describe("editFields", () => {
  it("should keep every other byte when a value is replaced", () => {
    const src = '{"id":18446744073709551615, "name":"\\u00e9t\\u00e9", "retry_count":3,"x":1.50}';
    const out = editFields(b(src), { retry_count: "0" })!.toString();
    expect(out).toBe(
      '{"id":18446744073709551615, "name":"\\u00e9t\\u00e9", "retry_count":0,"x":1.50}',
    );
  });

  it("should append a member when the key is absent", () => {
    expect(editFields(b('{"a":1}'), { b: '"x"' })!.toString()).toBe('{"a":1,"b":"x"}');
    expect(editFields(b("{ }"), { b: "2" })!.toString()).toBe('{ "b":2}');
  });

  it("should remove members and their commas wherever they stand", () => {
    const src = '{"a":1, "b":2, "c":3}';
    expect(editFields(b(src), { a: undefined })!.toString()).toBe('{"b":2, "c":3}');
    expect(editFields(b(src), { b: undefined })!.toString()).toBe('{"a":1, "c":3}');
    expect(editFields(b(src), { c: undefined })!.toString()).toBe('{"a":1, "b":2}');
    expect(editFields(b(src), { a: undefined, b: undefined, c: undefined })!.toString()).toBe("{}");
  });

  it("should produce JSON equal to an object edit when given random objects", () => {
    const key = fc.constantFrom("a", "b", "retry_count", "error", "id", "é");
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.jsonValue()),
        fc.dictionary(key, fc.option(fc.jsonValue(), { nil: undefined })),
        (obj, edits) => {
          const textEdits = Object.fromEntries(
            Object.entries(edits).map(([k, v]) => [
              k,
              v === undefined ? undefined : JSON.stringify(v),
            ]),
          );
          const out = editFields(b(JSON.stringify(obj, null, 1)), textEdits);
          const expected: Record<string, unknown> = { ...obj };
          for (const [k, v] of Object.entries(edits)) {
            if (v === undefined) delete expected[k];
            else expected[k] = v;
          }
          expect(JSON.parse(out!.toString())).toEqual(JSON.parse(JSON.stringify(expected)));
        },
      ),
    );
  });

  it("should return null when the message is not an object", () => {
    expect(editFields(b("not json"), { a: "1" })).toBeNull();
  });
});

describe("keys named like Object.prototype members", () => {
  it("should treat toString, constructor and __proto__ as ordinary keys", () => {
    const src = '{"toString":false,"constructor":1,"__proto__":2}';
    expect(editFields(Buffer.from(src), { retry_count: "0" })!.toString()).toBe(
      '{"toString":false,"constructor":1,"__proto__":2,"retry_count":0}',
    );
  });
});

describe("parseTopLevelPrefix", () => {
  it("should keep only members that end within the head when the rest was not read", () => {
    expect(parseTopLevelPrefix(b('{"id":12'))).toEqual([]);
    expect(parseTopLevelPrefix(b('{"id":12,"x":"ab'))!.map((m) => m.key)).toEqual(["id"]);
    expect(parseTopLevelPrefix(b('{"a":1,"b":tru'))!.map((m) => m.key)).toEqual(["a"]);
    expect(parseTopLevelPrefix(b("[1,2"))).toBeNull();
  });

  it("should agree with the full parser on every member it returns when an object is cut anywhere", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.nat(), (obj, n) => {
        const full = b(JSON.stringify(obj));
        const parsed = parseTopLevel(full)!;
        const members = parseTopLevelPrefix(full.subarray(0, n % (full.length + 1))) ?? [];
        expect(members).toEqual(parsed.members.slice(0, members.length));
      }),
    );
  });
});
