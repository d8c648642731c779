import { describe, expect, it } from "vitest";
import { getErrorGroups } from "@/lib/queues/errorGroups";
import { knownLastHour } from "@/lib/metrics/known";
import { alertsOf } from "@/lib/metrics/alerts";
import { clearGroupNote, readGroupNotes, setGroupNote } from "@/lib/queues/notes";
import { useRedis } from "../helpers/redis";

/** Notes on error groups, and what "known" takes out of the growth alert. */
const r = useRedis();

async function fail(queue: string, message: string, n: number) {
  for (let i = 0; i < n; i++) {
    await r.engine.pushToDlq(queue, `{"id":"${message}-${i}"}`, new Error(message), 3);
  }
}

const groupOf = async (queue: string, message: string) =>
  (await getErrorGroups(r.engine.ctx, queue)).groups.find((g) => g.example === message)!;

describe("error group notes", () => {
  it("should keep a note per queue and group until it is cleared", async () => {
    await fail("document", "timeout", 1);
    const g = await groupOf("document", "timeout");
    const input = {
      note: "upstream down",
      link: "https://tickets.example/42",
      known: true,
      until: null,
    };
    await setGroupNote(r.engine.ctx, "document", g.id, input, "admin");
    const notes = await readGroupNotes(r.engine.ctx);
    expect(notes.get("document")?.get(g.id)).toMatchObject({ ...input, by: "admin" });
    expect(notes.get("audio")).toBeUndefined();
    expect(await clearGroupNote(r.engine.ctx, "document", g.id)).toBe(true);
    expect((await readGroupNotes(r.engine.ctx)).size).toBe(0);
  });

  it("should count the last hour's failures of known groups, until the mark's date passes", async () => {
    await fail("video", "codec missing", 4);
    await fail("video", "disk full", 3);
    const codec = await groupOf("video", "codec missing");
    const until = r.clock.now + 7200;
    await setGroupNote(
      r.engine.ctx,
      "video",
      codec.id,
      { note: "", link: null, known: true, until },
      "admin",
    );
    expect(await knownLastHour(r.engine.ctx)).toEqual(new Map([["video", 4]]));
    // An hour later they are no longer the last hour's; after the date, the group counts again.
    r.clock.now += 3601;
    expect(await knownLastHour(r.engine.ctx)).toEqual(new Map([["video", 0]]));
    r.clock.now += 3600;
    await fail("video", "codec missing", 2);
    expect(await knownLastHour(r.engine.ctx)).toEqual(new Map());
  });
});

describe("the growth alert", () => {
  it("should leave known failures out of the growth, and say so", () => {
    const stats = { queue: "video", dlq: 10 } as Parameters<typeof alertsOf>[0];
    const thresholds = { dlqSize: 0, growthPerHour: 5, oldestAgeHours: 0 };
    expect(alertsOf(stats, thresholds, 8, 4)).toEqual([]);
    const [alert] = alertsOf(stats, thresholds, 12, 4);
    expect(alert).toMatchObject({ kind: "dlq_growth", value: 8 });
    expect(alert!.message).toContain("4 failures in known groups left out");
  });
});
