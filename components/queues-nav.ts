"use client";

import { useStored, writeStored } from "./stored";

/**
 * Which queues the header shows, whatever their number: up to TAB_LIMIT
 * queues each get a tab, as they always have; beyond that the header shows
 * the queues the user pinned (kept in this browser) and a switcher that
 * finds any queue by typing.
 */
export const TAB_LIMIT = 6;
/** Pinned queues shown in the header; more would widen it again. */
export const PIN_LIMIT = 5;
const PINS_KEY = "redrive.pinnedQueues";

/** The pinned queues that are still configured, in the order they were pinned. */
export function usePins(queues: string[]): string[] {
  const stored = useStored(PINS_KEY);
  return parsePins(stored, queues);
}

function parsePins(stored: string | null, queues: string[]): string[] {
  let names: unknown;
  try {
    names = JSON.parse(stored ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(names)) return [];
  const known = new Set(queues);
  return [
    ...new Set(names.filter((n): n is string => typeof n === "string" && known.has(n))),
  ].slice(0, PIN_LIMIT);
}

/** Pins or unpins `queue`; past PIN_LIMIT the oldest pin gives way. */
export function togglePin(queue: string, pins: string[]): void {
  const next = pins.includes(queue) ? pins.filter((q) => q !== queue) : [...pins, queue];
  writeStored(PINS_KEY, JSON.stringify(next.slice(-PIN_LIMIT)));
}

/**
 * The queues matching `text` (a plain, case-insensitive substring: never a
 * pattern), pinned ones first, then names that start with the text, then
 * the rest in configured order.
 */
export function matchQueues(queues: string[], pins: string[], text: string): string[] {
  const needle = text.trim().toLowerCase();
  const rank = (q: string) => {
    const name = q.toLowerCase();
    if (!name.includes(needle)) return -1;
    return (pins.includes(q) ? 0 : 2) + (name.startsWith(needle) ? 0 : 1);
  };
  return queues
    .map((q, i) => ({ q, i, r: rank(q) }))
    .filter((m) => m.r >= 0)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((m) => m.q);
}
