"use client";

import { useSyncExternalStore } from "react";

/**
 * Settings kept in the browser (refresh interval, time zone): read during
 * rendering through useSyncExternalStore, null on the server so that
 * hydration matches before the stored value applies, and updated in every
 * component (and every tab, through the storage event) when one changes.
 */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
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
  for (const l of listeners) l();
}
