// Node applies a TZ set at run time; set before any date is formatted.
process.env.TZ = "Europe/Berlin";

import { describe, expect, it } from "vitest";
import { fmtClock, fmtTime, zoneName } from "@/components/format";

const WINTER = Date.UTC(2026, 0, 15, 13, 3, 7) / 1000;
const SUMMER = Date.UTC(2026, 6, 15, 13, 3, 7) / 1000;

describe("time formatting with a zone", () => {
  it("should name the local offset when the browser zone has no en-US abbreviation", () => {
    expect(fmtTime(WINTER)).toBe("2026-01-15 14:03:07 UTC+1");
    expect(fmtTime(SUMMER, "local")).toBe("2026-07-15 15:03:07 UTC+2");
  });

  it("should show the same instant in UTC when UTC is chosen", () => {
    expect(fmtTime(WINTER, "utc")).toBe("2026-01-15 13:03:07 UTC");
    expect(fmtClock(WINTER, "utc")).toBe("13:03:07 UTC");
    expect(zoneName(new Date(WINTER * 1000), "utc")).toBe("UTC");
  });

  it("should drop the seconds but keep the zone when asked for minutes", () => {
    expect(fmtTime(WINTER, "utc", { seconds: false })).toBe("2026-01-15 13:03 UTC");
    expect(fmtClock(WINTER)).toBe("14:03:07 UTC+1");
  });

  it("should show a dash when the time is missing or no Date can hold it", () => {
    expect(fmtTime(null, "utc")).toBe("–");
    expect(fmtTime(1e300)).toBe("–");
  });
});
