import { describe, expect, it } from "vitest";
import { normalizeError } from "@/lib/queues/normalize";

describe("normalizeError", () => {
  it("should group messages that differ only in ids, numbers, hex, paths and URLs", () => {
    const a = normalizeError(
      "GCS download timed out after 30 s: gs://bucket/uploads/7f9c2d1e-5b8a-4c3f-9e2d-000000000001.pdf",
    );
    const b = normalizeError("GCS download timed out after 31 s: gs://bucket/uploads/other.pdf");
    expect(a).toBe(b);
    expect(a).toBe("GCS download timed out after <n> s: <url>");
    expect(
      normalizeError(
        "job 7f9c2d1e-5b8a-4c3f-9e2d-00000000abcd failed at /srv/app/worker.py line 42",
      ),
    ).toBe("job <uuid> failed at <path> line <n>");
    expect(normalizeError("bad checksum 9f86d081 in face of feed")).toBe(
      "bad checksum <hex> in face of feed",
    );
  });
});
