"use client";

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { SWRConfig, useSWRConfig } from "swr";
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
}

interface DashboardState {
  viewer: Viewer;
  queues: string[];
  isAdmin: boolean;
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

export function DashboardProvider(props: {
  viewer: Viewer;
  queues: string[];
  children: ReactNode;
}) {
  const interval = useStoredInterval();
  const [outage, setOutage] = useState<string | null>(null);
  const [lastUpdated, setLastUpdated] = useState<number | null>(null);

  const state = useMemo<DashboardState>(
    () => ({
      viewer: props.viewer,
      queues: props.queues,
      isAdmin: props.viewer.role === "admin",
      interval,
      setInterval: storeInterval,
      outage,
      lastUpdated,
    }),
    [props.viewer, props.queues, interval, outage, lastUpdated],
  );

  return (
    <Ctx.Provider value={state}>
      <SWRConfig
        value={{
          fetcher: getJson,
          refreshInterval: interval,
          keepPreviousData: true,
          revalidateOnFocus: true,
          // While Redis is down, polls keep coming at the same pace so that the page recovers by itself.
          errorRetryInterval: Math.max(1000, Math.min(interval || 5000, 5000)),
          shouldRetryOnError: (error) => !(error instanceof ApiError) || error.isOutage,
          onSuccess: () => {
            // Same-value updates let React skip the render: most polls change neither.
            setOutage((o) => (o === null ? o : null));
            setLastUpdated((t) => (t !== null && Date.now() - t < 1000 ? t : Date.now()));
          },
          onError: (error: unknown) => {
            if (error instanceof ApiError && error.isOutage) setOutage(error.message);
          },
        }}
      >
        {props.children}
      </SWRConfig>
    </Ctx.Provider>
  );
}

/** Revalidates every SWR key on the page (the "refresh now" button, and after a mutation). */
export function useRefreshAll(): () => Promise<unknown> {
  const { mutate } = useSWRConfig();
  return useCallback(() => mutate(() => true), [mutate]);
}
