import { describe, expect, it } from "vitest";
import { matchQueues } from "@/components/queues-nav";

describe("matchQueues", () => {
  const queues = ["billing", "q10", "q1a", "tenant-q1", "q.0", "Q100"];

  it("should put pinned queues first, then names starting with the text, when some match", () => {
    expect(matchQueues(queues, ["tenant-q1"], "q1")).toEqual(["tenant-q1", "q10", "q1a", "Q100"]);
  });

  it("should match the typed text literally and ignore case when it holds pattern characters", () => {
    expect(matchQueues(queues, [], "q.")).toEqual(["q.0"]);
    expect(matchQueues(queues, [], "Q10")).toEqual(["q10", "Q100"]);
    expect(matchQueues(queues, [], "[")).toEqual([]);
  });

  it("should list every queue in configured order, pinned first, when nothing is typed", () => {
    expect(matchQueues(queues, ["q.0"], "  ")).toEqual([
      "q.0",
      "billing",
      "q10",
      "q1a",
      "tenant-q1",
      "Q100",
    ]);
  });
});
