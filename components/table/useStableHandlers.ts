"use client";

import { useCallback, useLayoutEffect, useRef } from "react";
import type { Selection } from "./types";

interface Latest<T> {
  onOpen?: (row: T) => void;
  selection?: Selection<T>;
  shown: readonly T[];
  keys: string[];
}

/**
 * Callbacks that keep their identity across renders (they read the latest
 * props through a ref), so that memoised rows do not re-render on every poll.
 */
export function useStableHandlers<T>(now: Latest<T>) {
  const latest = useRef(now);
  useLayoutEffect(() => {
    latest.current = now;
  });
  const open = useCallback((i: number) => {
    const { onOpen, shown } = latest.current;
    const row = shown[i];
    if (row !== undefined) onOpen?.(row);
  }, []);
  const toggle = useCallback((i: number) => {
    const { selection, shown, keys } = latest.current;
    const row = shown[i];
    if (row !== undefined) selection?.onToggle(keys[i]!, row);
  }, []);
  const toggleKey = useCallback(
    (key: string) => toggle(latest.current.keys.indexOf(key)),
    [toggle],
  );
  return { open, toggle, toggleKey };
}
