"use client";

import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef } from "react";
import { reportActivity } from "./data";

/** Activity is reported at most this often; the idle timeout is counted in minutes. */
const EVERY_MS = 60_000;

/**
 * Tells the server when the user does something (a click, a key, moving to
 * another page), so that the idle timeout counts from the last thing they
 * did. Polling never counts: a page left open signs itself out.
 */
export function useActivity(enabled: boolean): void {
  const pathname = usePathname();
  const last = useRef(0);
  const report = useCallback(() => {
    const now = Date.now();
    if (now - last.current < EVERY_MS) return;
    last.current = now;
    reportActivity().catch(() => undefined);
  }, []);
  useEffect(() => {
    if (!enabled) return;
    window.addEventListener("pointerdown", report, { passive: true });
    window.addEventListener("keydown", report);
    return () => {
      window.removeEventListener("pointerdown", report);
      window.removeEventListener("keydown", report);
    };
  }, [enabled, report]);
  useEffect(() => {
    if (enabled) report();
  }, [enabled, pathname, report]);
}
