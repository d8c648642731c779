"use client";

import dynamic from "next/dynamic";
import { useState } from "react";
import type { CacheOverview } from "@/lib/http/types";
import { ApiError } from "../api";
import { useConfirm } from "../Confirm";
import { useDashboard } from "../DashboardProvider";
import { Time } from "../time";
import { Button, Card, ErrorNote } from "../ui";
import { CacheHelp } from "./CacheHelp";
import { ClearCacheDialog, type ClearTarget } from "./ClearCacheDialog";
import { useCacheStats } from "./data";
import { MemoryCard } from "./MemoryCard";
import { NamespaceTable } from "./NamespaceTable";
import { SampleNote } from "./SampleNote";
import { TopKeys } from "./TopKeys";
import { TrafficCard } from "./TrafficCard";

// recharts stays out of the page's first-load JS.
const MemoryChart = dynamic(() => import("./MemoryChart"), {
  ssr: false,
  loading: () => <div className="h-48" />,
});

/** The cache page: server-wide figures, namespaces, top keys, and clearing. */
export function CacheView() {
  const { isAdmin } = useDashboard();
  const { data, error } = useCacheStats();
  const clear = useConfirm<ClearTarget>();
  const [status, setStatus] = useState("");
  const clearable = data?.namespaces.filter((n) => n.prefix !== null) ?? [];
  // Outages have the shared banner; anything else is said here, above the last data.
  const shownError = error instanceof ApiError && error.isOutage ? null : error;

  return (
    <div className="space-y-6">
      <CacheHeader
        data={data}
        error={error}
        status={status}
        canClear={isAdmin}
        onClearAll={() => clear.ask("all")}
      />

      <ErrorNote error={shownError} />

      {data && (
        <>
          <div className="grid gap-6 lg:grid-cols-2">
            <TrafficCard server={data.server} />
            <MemoryCard data={data} />
          </div>

          <CacheHelp />

          <Card title="Namespaces">
            <NamespaceTable
              namespaces={data.namespaces}
              redriveKeys={data.redriveKeys}
              exact={data.sample.exact}
              canClear={isAdmin}
              onClear={clear.ask}
            />
          </Card>

          <div className="grid gap-6 lg:grid-cols-2">
            <Card title="Estimated memory by namespace">
              <MemoryChart namespaces={data.namespaces} redriveKeys={data.redriveKeys} />
            </Card>
            <Card title="Top keys by memory">
              <TopKeys keys={data.topKeys} />
            </Card>
          </div>

          <ClearCacheDialog
            target={clear.target}
            namespaces={clearable}
            other={data.namespaces.find((n) => n.prefix === null)}
            exact={data.sample.exact}
            onCleared={setStatus}
            onClose={clear.close}
          />
        </>
      )}
    </div>
  );
}

/** The title, when the figures were sampled, what the last clear did, and "Clear all". */
function CacheHeader(props: {
  data: CacheOverview | undefined;
  error: unknown;
  status: string;
  canClear: boolean;
  onClearAll: () => void;
}) {
  const { data, error } = props;
  return (
    <header className="flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-xl font-semibold">Cache</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {data ? (
            <>
              Sampled <Time at={data.sampledAt} />. <SampleNote sample={data.sample} />
            </>
          ) : error ? (
            "Waiting for the first reading."
          ) : (
            "Loading…"
          )}
        </p>
        {/* Always in the DOM, so that screen readers announce what a clear did. */}
        <p
          role="status"
          aria-live="polite"
          className="mt-1 text-sm font-medium text-emerald-800 dark:text-emerald-300"
        >
          {props.status}
        </p>
      </div>
      {props.canClear && (
        <Button tone="danger" disabled={!data} onClick={props.onClearAll}>
          Clear all cache
        </Button>
      )}
    </header>
  );
}
