import type { Browser } from "@playwright/test";
import { median } from "../lib/check";
import type { NextApp } from "../lib/next-app";
import type { BenchServer } from "../lib/server";
import type { Target } from "../lib/summary";

/** What every UI scenario shares: the systems it measures, its options, and what it hands back. */

export const QUEUES = ["document", "audio", "video", "graph"];

/** The options of `npm run bench -- ui` that the scenarios read (bench/ui.ts parses them). */
export interface ScenarioOptions {
  scale: number;
  runs: number;
  timeoutMs: number;
}

export interface UiSystems {
  b: BenchServer;
  app: NextApp;
  browser: Browser;
}

/** A scenario's part of the JSON summary, and its targets. */
export interface UiOutcome {
  results: Record<string, unknown>;
  targets: Target[];
}

export const kb = (bytes: number) => bytes / 1024;

/** The median and the worst of a scenario's runs (NaN when there were none). */
export function spread(xs: number[]): { medianMs: number; maxMs: number } {
  return xs.length === 0
    ? { medianMs: NaN, maxMs: NaN }
    : { medianMs: median(xs), maxMs: Math.max(...xs) };
}
