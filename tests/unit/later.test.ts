import { describe, expect, it } from "vitest";
import { epochToZoned, zonedToEpoch, zoneOffset } from "@/components/queue/later";

const utc = (iso: string) => Date.parse(iso) / 1000;

describe("requeue later's times in a named zone", () => {
  it("should turn a wall-clock time in a zone into epoch seconds, summer and winter", () => {
    expect(zonedToEpoch("2026-07-01T02:00", "Europe/Berlin")).toBe(utc("2026-07-01T00:00:00Z"));
    expect(zonedToEpoch("2026-12-08T02:00", "Europe/Berlin")).toBe(utc("2026-12-08T01:00:00Z"));
    expect(zonedToEpoch("2026-12-08T09:00", "America/New_York")).toBe(utc("2026-12-08T14:00:00Z"));
    expect(zonedToEpoch("2026-12-08T09:00", "Asia/Kolkata")).toBe(utc("2026-12-08T03:30:00Z"));
    expect(zonedToEpoch("2026-12-08T09:00", "UTC")).toBe(utc("2026-12-08T09:00:00Z"));
  });

  it("should move a time the change to summer time skips an hour later, and take the later of a repeated one", () => {
    expect(zonedToEpoch("2026-03-29T02:30", "Europe/Berlin")).toBe(utc("2026-03-29T01:30:00Z"));
    expect(zonedToEpoch("2026-10-25T02:30", "Europe/Berlin")).toBe(utc("2026-10-25T01:30:00Z"));
  });

  it("should give back the wall-clock time of an epoch, and refuse text that is no time", () => {
    const at = utc("2026-12-08T01:00:00Z");
    expect(epochToZoned(at, "Europe/Berlin")).toBe("2026-12-08T02:00");
    expect(zoneOffset(at, "America/New_York")).toBe(-5 * 3600);
    expect(zonedToEpoch("tomorrow", "UTC")).toBeNull();
    for (
      let t = utc("2026-01-01T00:00:00Z");
      t < utc("2027-01-01T00:00:00Z");
      t += 86_400 * 7 + 3_600
    ) {
      const minute = t - (t % 60);
      expect(zonedToEpoch(epochToZoned(minute, "Australia/Sydney"), "Australia/Sydney")).toBe(
        minute,
      );
    }
  });
});
