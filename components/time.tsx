"use client";

import { useCallback } from "react";
import { fmtAgo, fmtTime, isoTime, type TimeZoneChoice } from "./format";
import { readStored, useStored, writeStored } from "./stored";

/**
 * The zone absolute times are shown in ("Local / UTC" in the header), kept in
 * localStorage like the refresh interval so that it survives reloads.
 */
const ZONE_KEY = "redrive.timeZone";
function parse(stored: string | null): TimeZoneChoice {
  return stored === "utc" ? "utc" : "local";
}

/** The chosen zone; "local" on the server, so that hydration matches before the stored choice applies. */
export function useTimeZone(): TimeZoneChoice {
  return parse(useStored(ZONE_KEY));
}

/** The chosen zone outside rendering (an event handler composing a message). */
export function storedTimeZone(): TimeZoneChoice {
  return parse(readStored(ZONE_KEY));
}

export function setTimeZone(zone: TimeZoneChoice): void {
  writeStored(ZONE_KEY, zone);
}

/** fmtTime in the chosen zone. */
export function useFmtTime(): (
  epochSeconds: number | null | undefined,
  opts?: { seconds?: boolean },
) => string {
  const zone = useTimeZone();
  return useCallback((t, opts) => fmtTime(t, zone, opts), [zone]);
}

/** An absolute time in the chosen zone, machine-readable in dateTime. */
export function Time(props: { at: number | null | undefined; seconds?: boolean }) {
  const fmt = useFmtTime();
  return <time dateTime={isoTime(props.at)}>{fmt(props.at, { seconds: props.seconds })}</time>;
}

/** "3 min ago", with the absolute time in the chosen zone as its title. */
export function Ago(props: { at: number | null | undefined }) {
  const fmt = useFmtTime();
  return (
    <time dateTime={isoTime(props.at)} title={fmt(props.at)}>
      {fmtAgo(props.at)}
    </time>
  );
}
