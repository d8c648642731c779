import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEdit, applyEdits, diffMessages, editsOf, pathText } from "@/lib/queues/edit";
import { forRequeue, toDlqEntry } from "@/lib/queues/message";

/**
 * JSON built as a tree and written in a chosen style, so that what an edit
 * must produce can be written independently of the code under test: the
 * same tree with one member changed, in the same style. Python's json.dumps
 * (the quick start's backend) writes `", "` and `": "` and escapes non-ASCII.
 */
type Node =
  | { t: "obj"; members: [string, Node][] }
  | { t: "arr"; items: Node[] }
  | { t: "str"; value: string }
  | { t: "raw"; text: string };

interface Style {
  colon: string;
  comma: string;
  ascii: boolean;
}

const PYTHON: Style = { colon: ": ", comma: ", ", ascii: true };

function str(value: string, ascii: boolean): string {
  const json = JSON.stringify(value);
  return ascii
    ? json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : json;
}

function write(n: Node, s: Style): string {
  switch (n.t) {
    case "obj":
      return `{${n.members.map(([k, v]) => `${str(k, s.ascii)}${s.colon}${write(v, s)}`).join(s.comma)}}`;
    case "arr":
      return `[${n.items.map((v) => write(v, s)).join(s.comma)}]`;
    case "str":
      return str(n.value, s.ascii);
    case "raw":
      return n.text;
  }
}

const key = fc.oneof(
  fc.constantFrom(
    "id",
    "job_id",
    "filename",
    "language",
    "options",
    "url",
    "a.b",
    "é",
    "__proto__",
  ),
  fc.string({ minLength: 1, maxLength: 6 }),
);
const scalar: fc.Arbitrary<Node> = fc.oneof(
  fc.string({ maxLength: 8, unit: "binary" }).map((value) => ({ t: "str" as const, value })),
  fc
    .constantFrom("0", "-1", "3.25", "1e5", "12345678901234567890", "true", "false", "null", "-0.0")
    .map((text) => ({ t: "raw" as const, text })),
);
const tree = fc.letrec<{ node: Node; obj: Node }>((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("obj"), {
    arbitrary: fc
      .array(tie("node"), { maxLength: 3 })
      .map((items) => ({ t: "arr" as const, items })),
    weight: 1,
  }),
  obj: fc
    .uniqueArray(fc.tuple(key, tie("node")), { selector: ([k]) => k, maxLength: 5 })
    .map((members) => ({ t: "obj" as const, members })),
})).obj;
const style = fc.oneof(
  fc.constant(PYTHON),
  fc.record({
    colon: fc.constantFrom(":", ": ", " : "),
    comma: fc.constantFrom(",", ", ", ",\n  "),
    ascii: fc.boolean(),
  }),
);

/** The paths of every member, at any depth through objects. */
function paths(n: Node, prefix: string[] = []): string[][] {
  if (n.t !== "obj") return [];
  return n.members.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

/** The tree with the member at `path` replaced (`to` a node) or removed (`to` null). */
function changed(n: Node, path: string[], to: Node | null): Node {
  if (n.t !== "obj") return n;
  const [head, ...rest] = path;
  const members = n.members.flatMap(([k, v]): [string, Node][] => {
    if (k !== head) return [[k, v]];
    if (rest.length > 0) return [[k, changed(v, rest, to)]];
    return to ? [[k, to]] : [];
  });
  return { t: "obj", members };
}

const b = (s: string) => Buffer.from(s);
const withMember = fc.tuple(tree, style).filter(([t]) => paths(t).length > 0);

describe("applyEdit: every byte the edit does not name is kept", () => {
  it("should give the same tree in the same style, the one value replaced, when setting a field at any depth", () => {
    fc.assert(
      fc.property(withMember, fc.nat(), scalar, ([t, s], pick, value) => {
        const all = paths(t);
        const path = all[pick % all.length]!;
        const text = write(value, s);
        const out = applyEdit(b(write(t, s)), { path, value: text });
        expect(out?.toString()).toBe(write(changed(t, path, { t: "raw", text }), s));
      }),
      { numRuns: 400 },
    );
  });

  it("should give the same tree in the same style without the member when removing a field", () => {
    fc.assert(
      fc.property(withMember, fc.nat(), ([t, s], pick) => {
        const all = paths(t);
        const path = all[pick % all.length]!;
        const out = applyEdit(b(write(t, s)), { path });
        expect(out?.toString()).toBe(write(changed(t, path, null), s));
      }),
      { numRuns: 400 },
    );
  });

  it("should append a new field that removing it again takes back to the exact bytes", () => {
    fc.assert(
      fc.property(tree, style, fc.string({ minLength: 1, maxLength: 5 }), (t, s, name) => {
        const key = `zz-${name}`;
        fc.pre(t.t === "obj" && t.members.every(([k]) => k !== key));
        const source = write(t, s);
        const out = applyEdit(b(source), { path: [key], value: '"added"' })!;
        expect(JSON.parse(out.toString())).toEqual({ ...JSON.parse(source), [key]: "added" });
        expect(applyEdit(out, { path: [key] })!.toString()).toBe(source);
      }),
      { numRuns: 300 },
    );
  });
});

describe("diffMessages and applyEdits: an admin's edit of a whole message", () => {
  it("should change only the edited value, in the message's own bytes, when the admin edits one field", () => {
    fc.assert(
      fc.property(withMember, fc.nat(), scalar, ([t, s], pick, value) => {
        const all = paths(t);
        const path = all[pick % all.length]!;
        const before = b(write(t, s));
        // The admin edits the text the editor showed: the same bytes, one value changed.
        const expected = write(changed(t, path, value), s);
        const changes = diffMessages(before, b(expected))!;
        expect(applyEdits(before, editsOf(changes))!.toString()).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it("should keep a Python backend's message byte for byte, big integers and escapes included, when one field is fixed", () => {
    const message = b(
      '{"id": "j-1", "job_id": "6b4c87a6", "filename": "report.pdff", "size": 12345678901234567890, "title": "caf\\u00e9 \\"x\\"", "options": {"language": "en", "pages": [1, 2]}, "retry_count": 3}',
    );
    const stamp = {
      error: { type: "E", message: "bad ext" },
      retryCount: 3,
      failedAt: new Date(0),
      originalQueue: "document",
    };
    const restored = forRequeue(toDlqEntry(message, stamp));
    const edited = restored
      .toString()
      .replace('"report.pdff"', '"report.pdf"')
      .replace('"en"', '"de"');
    const changes = diffMessages(restored, b(edited))!;
    expect(changes.map((c) => pathText(c.path))).toEqual(["filename", "options.language"]);
    expect(applyEdits(restored, editsOf(changes))!.toString()).toBe(edited);
  });

  it("should report a removed and an added field, and null for text that is not an object", () => {
    const changes = diffMessages(b('{"a":1,"b":2}'), b('{"a":1,"c":3}'))!;
    expect(changes).toEqual([
      { path: ["b"], before: "2", after: null },
      { path: ["c"], before: null, after: "3" },
    ]);
    expect(diffMessages(b('{"a":1}'), b("[1]"))).toBeNull();
  });
});

describe("applyEdit's edges", () => {
  it("should create missing objects on a set, and refuse a path through a value that is not an object", () => {
    expect(applyEdit(b('{"a":1}'), { path: ["o", "k"], value: "2" })!.toString()).toBe(
      '{"a":1,"o":{"k":2}}',
    );
    expect(applyEdit(b('{"o":"text"}'), { path: ["o", "k"], value: "2" })).toBeNull();
    expect(applyEdit(b("not json"), { path: ["k"], value: "2" })).toBeNull();
    expect(applyEdit(b('{"a":1}'), { path: ["o", "k"] })!.toString()).toBe('{"a":1}');
  });

  it("should write a path's keys readably, quoting those that are not plain names", () => {
    expect(pathText(["options", "language"])).toBe("options.language");
    expect(pathText(["a.b", "c"])).toBe('["a.b"].c');
  });
});
