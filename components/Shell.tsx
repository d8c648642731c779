"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState, type ReactNode } from "react";
import { useDashboard, useRefreshAll, type Viewer } from "./DashboardProvider";
import { endAllSessions, useRedisSafety } from "./data";
import { fmtClock, fmtInt } from "./format";
import { setTimeZone, Time, useTimeZone } from "./time";
import { Button, Segmented } from "./ui";
import { useActivity } from "./useActivity";
import { QueueSwitcher } from "./QueueSwitcher";
import { TAB_LIMIT, usePins } from "./queues-nav";

/** The frame of every dashboard page: navigation, refresh control, outage banner. */
export function Shell(props: { children: ReactNode }) {
  const { queues, viewer, outage, version } = useDashboard();
  const [menuOpen, setMenuOpen] = useState(false);
  useActivity(!viewer.display);
  return (
    <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900"
      >
        Skip to content
      </a>
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
          <Link href="/" className="text-base font-bold tracking-tight">
            Redrive
          </Link>
          <Button
            tone="ghost"
            className="md:hidden"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            Menu
          </Button>
          <nav
            id="main-nav"
            aria-label="Main"
            className={`${menuOpen ? "flex" : "hidden"} w-full flex-col gap-1 md:flex md:w-auto md:flex-row md:items-center`}
          >
            <NavLink href="/">Overview</NavLink>
            <QueueLinks queues={queues} />
            {viewer.everyQueue && <NavLink href="/cache">Cache</NavLink>}
            <NavLink href="/find">Find</NavLink>
            <NavLink href="/audit">Audit</NavLink>
            {viewer.adminEverywhere && !viewer.display && <NavLink href="/tokens">Tokens</NavLink>}
          </nav>
          <div className="ml-auto flex flex-wrap items-center gap-3 text-sm">
            <RedisMaster />
            <RefreshControl />
            <ZoneToggle />
            <span className="hidden text-zinc-600 sm:inline dark:text-zinc-400">
              {viewer.name} · {viewer.display ? "read-only display" : roleLabel(viewer)}
            </span>
            <span
              className="hidden text-zinc-500 lg:inline dark:text-zinc-400"
              title="Redrive version"
            >
              v{version}
            </span>
            <SignOut />
          </div>
        </div>
      </header>
      {outage && (
        <div
          role="alert"
          className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          {outage} Showing the last data received; this page recovers by itself once Redis answers.
        </div>
      )}
      <RedisWarnings />
      <SchemaNotice />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        {props.children}
      </main>
    </div>
  );
}

/**
 * Through Sentinel: which server is the master, and since when (a failover
 * moves it). On a Cluster: how many masters serve the keyspace, and which.
 */
/** "admin", "viewer", or for a user of some queues which role on how many of them. */
function roleLabel(viewer: Viewer): string {
  if (viewer.everyQueue && (viewer.adminEverywhere || viewer.adminOf.length === 0)) {
    return viewer.role;
  }
  return viewer.adminOf.length > 0 ? `admin of ${fmtInt(viewer.adminOf.length)} queues` : "viewer";
}

function RedisMaster() {
  const { data } = useRedisSafety();
  const t = data?.topology;
  if (t?.mode === "cluster") {
    return (
      <span
        data-testid="redis-master"
        className="text-zinc-600 dark:text-zinc-400"
        title={`Cluster masters: ${t.masters.join(", ")}`}
      >
        Cluster of {t.masters.length} masters
      </span>
    );
  }
  if (!t || t.mode !== "sentinel" || !t.master) return null;
  const before = t.previous ? `; before it ${t.previous}` : "";
  return (
    <span
      data-testid="redis-master"
      className="text-zinc-600 dark:text-zinc-400"
      title={`Sentinel master${before}`}
    >
      master {t.master}
      {t.since !== null && (
        <>
          {" "}
          since <Time at={t.since} />
        </>
      )}
    </span>
  );
}

/** What makes the queue Redis lose or refuse messages: shown on every page until it is fixed. */
function RedisWarnings() {
  const { data } = useRedisSafety();
  if (!data || data.warnings.length === 0) return null;
  return (
    <div
      role="alert"
      aria-label="Redis warnings"
      className="border-b border-red-300 bg-red-50 px-4 py-2 text-sm text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <ul className="mx-auto max-w-7xl space-y-1">
        {data.warnings.map((w) => (
          <li key={w.code} data-code={w.code}>
            {w.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * During an upgrade, old and new processes share the stored state: say when
 * it is not at this release's schema, and why that is (or is not) expected.
 */
function SchemaNotice() {
  const { data } = useRedisSafety();
  const s = data?.schema;
  // Behind with a worker of this release running: a Redis that restarted empty, migrated within 30 s.
  if (!s || s.version === s.knows || (s.version < s.knows && !s.migrating && !s.awaitingWorker)) {
    return null;
  }
  const text =
    s.version > s.knows
      ? `The stored state is at schema ${s.version}, newer than this dashboard knows (${s.knows}): a newer Redrive runs beside it. Upgrade this dashboard; until then it shows what it can read.`
      : s.migrating
        ? `A worker is migrating the stored state from schema ${s.version} to ${s.knows}.`
        : `The stored state is at schema ${s.version}; this release's workers migrate it to ${s.knows} when they start. Until then the dashboard reads both.`;
  return (
    <div
      role="status"
      aria-label="Stored state schema"
      data-testid="schema-notice"
      className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      {text}
    </div>
  );
}

/** Every queue as a tab while they are few; beyond, the pinned ones and the switcher. */
function QueueLinks(props: { queues: string[] }) {
  const pins = usePins(props.queues);
  const many = props.queues.length > TAB_LIMIT;
  return (
    <>
      {(many ? pins : props.queues).map((q) => (
        <NavLink key={q} href={`/queues/${encodeURIComponent(q)}`}>
          {q}
        </NavLink>
      ))}
      {many && <QueueSwitcher queues={props.queues} pins={pins} />}
    </>
  );
}

function NavLink(props: { href: string; children: ReactNode }) {
  const pathname = usePathname();
  const active = props.href === "/" ? pathname === "/" : pathname.startsWith(props.href);
  return (
    <Link
      href={props.href}
      aria-current={active ? "page" : undefined}
      className="rounded-md px-2.5 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 aria-[current=page]:bg-zinc-900 aria-[current=page]:text-white dark:text-zinc-300 dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-zinc-100 dark:aria-[current=page]:text-zinc-900"
    >
      {props.children}
    </Link>
  );
}

const INTERVALS: [number, string][] = [
  [0, "Paused"],
  [2000, "2 s"],
  [5000, "5 s"],
  [15000, "15 s"],
  [60000, "1 min"],
];

/** The visible refresh control: how often pages poll, a "refresh now" button, the last update. */
function RefreshControl() {
  const { interval, setInterval, lastUpdated } = useDashboard();
  const zone = useTimeZone();
  const refresh = useRefreshAll();
  return (
    <div className="flex items-center gap-1">
      <label className="sr-only" htmlFor="refresh-interval">
        Auto refresh
      </label>
      <select
        id="refresh-interval"
        value={interval}
        onChange={(e) => setInterval(Number(e.target.value))}
        className="rounded-md border border-zinc-300 bg-white px-1.5 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
        title={lastUpdated ? `Updated ${fmtClock(lastUpdated / 1000, zone)}` : undefined}
      >
        {INTERVALS.map(([ms, label]) => (
          <option key={ms} value={ms}>
            {ms === 0 ? label : `Every ${label}`}
          </option>
        ))}
      </select>
      <Button tone="ghost" aria-label="Refresh now" onClick={() => void refresh()}>
        ↻
      </Button>
    </div>
  );
}

const ZONES = { Local: "local", UTC: "utc" } as const;

/** Which zone every absolute time on the dashboard is shown in: the browser's, or UTC. */
function ZoneToggle() {
  const zone = useTimeZone();
  return (
    <Segmented
      label="Time zone"
      options={["Local", "UTC"] as const}
      value={zone === "utc" ? "UTC" : "Local"}
      onChange={(v) => setTimeZone(ZONES[v])}
    />
  );
}

/** Log out of this browser, or of every browser this user is logged in on. */
function SignOut() {
  const { viewer } = useDashboard();
  async function everywhere() {
    await endAllSessions().catch(() => undefined);
    await signOut({ callbackUrl: "/login" });
  }
  return (
    <>
      {!viewer.display && (
        <Button tone="ghost" onClick={() => void everywhere()}>
          Log out everywhere
        </Button>
      )}
      <Button tone="ghost" onClick={() => void signOut({ callbackUrl: "/login" })}>
        Log out
      </Button>
    </>
  );
}
