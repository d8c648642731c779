import { describe, expect, it } from "vitest";
import { DEEP_WALK_ENTRIES, deepMoveNote, removalWalk } from "@/components/queue/text";

/** What the dashboard says before a move by position that stalls Redis (moveIndexed-2.lua's LREM). */
describe("a move from deep inside a DLQ", () => {
  it("walks from the nearer end to the farthest message moved", () => {
    expect(removalWalk([0], 1_000_000)).toBe(1);
    expect(removalWalk([999_999], 1_000_000)).toBe(1);
    expect(removalWalk([500_000], 1_000_000)).toBe(500_000);
    expect(removalWalk([10, 400_000], 1_000_000)).toBe(400_001);
    expect(removalWalk([10, 900_000], 1_000_000)).toBe(900_001);
    expect(removalWalk([200_000, 990_000], 1_000_000)).toBe(800_000);
    expect(removalWalk([], 1_000_000)).toBe(0);
  });

  it("is said before it runs, with its cost, only when it is deep", () => {
    expect(deepMoveNote([DEEP_WALK_ENTRIES - 2], 10_000_000)).toBeNull();
    expect(deepMoveNote([5], 100)).toBeNull();
    const note = deepMoveNote([500_000], 1_000_000)!;
    expect(note).toContain("500,000 entries");
    expect(note).toContain("about 75 ms");
    expect(deepMoveNote([60_000, 60_010], 200_000)).toContain("these messages");
  });
});
