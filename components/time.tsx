"use client";

import { useCallback, useSyncExternalStore } from "react";
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

const noSubscription = () => () => undefined;

/**
 * False while the server renders and while the browser hydrates that HTML,
 * true after. Times depend on the browser's zone and clock, which the server
 * does not have: a page rendered with its data (the overview) shows them once
 * hydrated, or React would find the server's text wrong and redraw the page.
 */
function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/** What a time shows until the browser's zone and clock are known. */
const PENDING = "…";

/** An absolute time in the chosen zone, machine-readable in dateTime. */
export function Time(props: { at: number | null | undefined; seconds?: boolean }) {
  const fmt = useFmtTime();
  const text = useHydrated() ? fmt(props.at, { seconds: props.seconds }) : PENDING;
  return <time dateTime={isoTime(props.at)}>{text}</time>;
}

/** "3 min ago", with the absolute time in the chosen zone as its title. */
export function Ago(props: { at: number | null | undefined }) {
  const fmt = useFmtTime();
  const hydrated = useHydrated();
  return (
    <time dateTime={isoTime(props.at)} title={hydrated ? fmt(props.at) : undefined}>
      {hydrated ? fmtAgo(props.at) : PENDING}
    </time>
  );
}
