"use client";

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type Dispatch,
  type ReactNode,
  type SetStateAction,
} from "react";
import { SWRConfig, useSWRConfig, type SWRConfiguration } from "swr";
import { ApiError, getJson } from "./api";
import { useStored, writeStored } from "./stored";

/**
 * What every dashboard page shares: who is logged in (the server checked it;
 * the role only decides which controls show, the API decides what is allowed),
 * the configured queues, the polling interval, and whether Redis is reachable.
 */
export interface Viewer {
  name: string;
  role: "admin" | "viewer";
  /** A read-only display session: no idle timeout, never any control that changes something. */
  display: boolean;
  /** A grant over every queue: the cache and the denied requests are theirs to see. */
  everyQueue: boolean;
  /** Admin of every queue (and of the cache). */
  adminEverywhere: boolean;
  /** The queues (among those shown) the user is an admin of. */
  adminOf: string[];
  /** Named in REDRIVE_EXPORTERS: the export links show (the API decides). */
  canExport: boolean;
}

interface DashboardState {
  viewer: Viewer;
  queues: string[];
  /** Redrive's version, shown to signed-in users only. */
  version: string;
  /** Admin of every queue: the cache's controls. */
  isAdmin: boolean;
  /** Whether the user may change `queue` (their role on it is admin). */
  isAdminOf(queue: string): boolean;
  /** Polling interval in ms; 0 is paused. */
  interval: number;
  setInterval(ms: number): void;
  /** The last outage message, or null while every call succeeds. */
  outage: string | null;
  lastUpdated: number | null;
}

const Ctx = createContext<DashboardState | null>(null);

export function useDashboard(): DashboardState {
  const state = useContext(Ctx);
  if (!state) throw new Error("useDashboard outside DashboardProvider");
  return state;
}

const INTERVAL_KEY = "redrive.refreshMs";
const DEFAULT_INTERVAL = 5000;
/** The polling interval, kept in localStorage so that it survives reloads (server render: the default). */
function useStoredInterval(): number {
  const stored = useStored(INTERVAL_KEY);
  const n = stored === null ? NaN : Number(stored);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_INTERVAL;
}

function storeInterval(ms: number): void {
  writeStored(INTERVAL_KEY, String(ms));
}

/** Until then, reads ask for a fresh answer: after a change, or "refresh now". */
let freshUntil = 0;
/** What this tab has read once: a page's first read of each is fresh, its polls may share. */
const seen = new Set<string>();

function accepted(path: string, interval: number): number {
  const first = !seen.has(path);
  seen.add(path);
  return first || Date.now() < freshUntil ? 0 : interval;
}
/** Since when the API has said Redis is unreachable; null while reads succeed. */
let outageSince: number | null = null;

/** While Redis is down, polls slow down to half the outage's age, at most one per 30 s. */
const OUTAGE_POLL_MAX_MS = 30_000;

/** A poll's delay: `interval`, longer while Redis is down. Every polling hook goes through it. */
export function pollDelay(interval: number): number {
  if (interval === 0 || outageSince === null) return interval;
  return Math.min(OUTAGE_POLL_MAX_MS, Math.max(interval, (Date.now() - outageSince) / 2));
}

/**
 * A poll's refreshInterval for a read worth at most one request per `minMs`
 * (0: the dashboard's interval). The callback is the same object until the
 * interval changes: SWR restarts its timer whenever the option changes, so a
 * new one on every render (every other poll re-renders the page) would
 * postpone the poll for ever.
 */
export function usePollInterval<D = unknown>(
  minMs = 0,
  fastMs?: (data: D | undefined) => number | null,
): (data?: D) => number {
  const { interval } = useDashboard();
  return useCallback(
    (data?: D) => {
      if (interval === 0) return 0;
      return pollDelay(fastMs?.(data) ?? Math.max(interval, minMs));
    },
    [interval, minMs, fastMs],
  );
}

export function DashboardProvider(props: {
  viewer: Viewer;
  queues: string[];
  version: string;
  children: ReactNode;
}) {
  const interval = useStoredInterval();
  const [outage, setOutage] = useState<string | null>(null);
  const [lastUpdated, setLastUpdated] = useState<number | null>(null);
  // One value per interval: a new config object on every render re-renders every hook.
  const swr = useMemo(() => swrOptions(interval, setOutage, setLastUpdated), [interval]);

  const adminOf = useMemo(() => new Set(props.viewer.adminOf), [props.viewer.adminOf]);
  // A page rendered with its data (the overview) looks ready before React has
  // attached its handlers: this says when it has, for browser tests and scripts.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  const state = useMemo<DashboardState>(
    () => ({
      viewer: props.viewer,
      queues: props.queues,
      version: props.version,
      isAdmin: props.viewer.adminEverywhere,
      isAdminOf: (queue: string) => adminOf.has(queue),
      interval,
      setInterval: storeInterval,
      outage,
      lastUpdated,
    }),
    [props.viewer, props.queues, props.version, adminOf, interval, outage, lastUpdated],
  );

  return (
    <Ctx.Provider value={state}>
      <SWRConfig value={swr}>{props.children}</SWRConfig>
    </Ctx.Provider>
  );
}

/**
 * Polling: reads accept an answer as old as the poll interval (the server shares
 * one Redis read between dashboards), keep the last data on screen, stop while
 * the tab is hidden (SWR's default), and slow down while Redis is down.
 */
type OnErrorRetry = Parameters<NonNullable<SWRConfiguration["onErrorRetry"]>>;

function swrOptions(
  interval: number,
  setOutage: Dispatch<SetStateAction<string | null>>,
  setLastUpdated: Dispatch<SetStateAction<number | null>>,
) {
  return {
    fetcher: (path: string) => getJson(path, accepted(path, interval)),
    refreshInterval: () => pollDelay(interval),
    keepPreviousData: true,
    revalidateOnFocus: true,
    // SWR does not poll a key whose last read failed: its retries are the polls while
    // Redis is down, at the backed-off pace (and every 5 s at first when paused).
    shouldRetryOnError: (error: unknown) => !(error instanceof ApiError) || error.isOutage,
    onErrorRetry: (...args: OnErrorRetry) => {
      const [, , , revalidate, { retryCount }] = args;
      setTimeout(() => void revalidate({ retryCount }), pollDelay(interval || 5_000));
    },
    onSuccess: () => {
      outageSince = null;
      // Same-value updates let React skip the render: most polls change neither.
      setOutage((o) => (o === null ? o : null));
      setLastUpdated((t) => (t !== null && Date.now() - t < 1000 ? t : Date.now()));
    },
    onError: (error: unknown) => {
      if (!(error instanceof ApiError && error.isOutage)) return;
      outageSince ??= Date.now();
      setOutage(outageText(error));
    },
  };
}

/** Codes of a Redis that does not answer at all; the others are answers that refuse (OOM, NOPERM, ...). */
const UNREACHABLE = new Set(["REDIS_UNAVAILABLE", "REDIS_TIMEOUT", "NETWORK", "HTTP"]);

/** The banner's sentence: Redis unreachable, or what Redis refused and why. */
function outageText(error: ApiError): string {
  return UNREACHABLE.has(error.code) ? `Redis is unreachable (${error.message}).` : error.message;
}

/** Revalidates every SWR key on the page with fresh reads (the "refresh now" button, and after a mutation). */
export function useRefreshAll(): () => Promise<unknown> {
  const { mutate } = useSWRConfig();
  return useCallback(() => {
    freshUntil = Date.now() + 2_000;
    return mutate(() => true);
  }, [mutate]);
}
