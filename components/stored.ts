"use client";

import { useSyncExternalStore } from "react";

/**
 * Settings kept in the browser (refresh interval, time zone): read during
 * rendering through useSyncExternalStore, null on the server so that
 * hydration matches before the stored value applies, and updated in every
 * component (and every tab, through the storage event) when one changes.
 */
const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

// One window listener for every subscriber: each time shown subscribes, and a
// table of 2 000 rows would otherwise add and remove 2 000 storage listeners
// (which costs the browser more the more there are).
function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener("storage", notify);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener("storage", notify);
  };
}

/** The stored text of `key`, or null (always null on the server). */
export function useStored(key: string): string | null {
  return useSyncExternalStore(
    subscribe,
    () => window.localStorage.getItem(key),
    () => null,
  );
}

/** The stored text of `key` outside rendering (null on the server). */
export function readStored(key: string): string | null {
  return typeof window === "undefined" ? null : window.localStorage.getItem(key);
}

export function writeStored(key: string, value: string): void {
  window.localStorage.setItem(key, value);
  notify();
}
