import type { CacheOverview } from "@/lib/cache/types";
import { fmtBytes, fmtPercent } from "../format";
import { Card, Stat } from "../ui";

/** What a fragmentation ratio means, in a few words. */
function fragmentationHint(ratio: number, used: number): string {
  if (!ratio) return "Resident ÷ used memory";
  if (ratio < 1) return "Below 1: Redis is partly swapped out";
  // With little data, the allocator's fixed overhead alone pushes the ratio up.
  if (ratio > 1.5 && used < 64 * 1024 * 1024) return "High, as usual while Redis holds little data";
  if (ratio > 1.5) return "Above 1.5: memory is being wasted";
  return "Resident ÷ used memory; healthy";
}

function policyHint(policy: string, maxMemory: number): string {
  if (maxMemory === 0) return "Applies only once a max is set";
  if (policy === "noeviction") return "At the limit, writes fail";
  if (policy.startsWith("volatile")) return "At the limit, drops keys with a TTL";
  return "At the limit, drops any key";
}

const SEGMENTS = [
  { key: "cache", label: "Cache namespaces", tone: "bg-blue-600 dark:bg-blue-400" },
  { key: "redrive", label: "Redrive's keys (not cache)", tone: "bg-zinc-500 dark:bg-zinc-400" },
  { key: "overhead", label: "Other keys and Redis overhead", tone: "bg-zinc-200 dark:bg-zinc-700" },
] as const;

/** Memory from INFO, and how much of it is cache, other keys, Redrive's keys and overhead. */
export function MemoryCard(props: { data: CacheOverview }) {
  const s = props.data.server;
  const cache = props.data.namespaces
    .filter((n) => n.prefix !== null)
    .reduce((sum, n) => sum + (n.estimatedBytes ?? 0), 0);
  const redrive = props.data.redriveKeys.estimatedBytes ?? 0;
  // MEMORY USAGE sums are estimates; other applications' keys are not measured
  // (a least-privilege Redis user may not read them), so they are in the rest.
  const overhead = Math.max(0, s.usedMemory - cache - redrive);
  const parts = { cache, redrive, overhead };
  const total = Math.max(1, cache + redrive + overhead);
  const usedShare = s.maxMemory > 0 ? s.usedMemory / s.maxMemory : null;
  return (
    <Card title="Memory">
      <div className="grid grid-cols-2 gap-x-4 gap-y-5 sm:grid-cols-3">
        <Stat
          label="Memory used"
          value={fmtBytes(s.usedMemory)}
          tone={usedShare !== null && usedShare > 0.9 ? "red" : "default"}
          hint={usedShare === null ? "No max set" : `${fmtPercent(usedShare, 0)} of max`}
        />
        <Stat
          label="Peak memory"
          value={fmtBytes(s.peakMemory)}
          hint="Highest since Redis started"
        />
        <Stat
          label="Max memory"
          value={s.maxMemory === 0 ? "No limit" : fmtBytes(s.maxMemory)}
          hint="maxmemory setting"
        />
        <Stat
          label="Fragmentation"
          value={s.fragmentationRatio ? s.fragmentationRatio.toFixed(2) : "–"}
          hint={fragmentationHint(s.fragmentationRatio, s.usedMemory)}
        />
        <Stat
          label="Eviction policy"
          value={<span className="font-mono text-base">{s.evictionPolicy || "–"}</span>}
          hint={policyHint(s.evictionPolicy, s.maxMemory)}
        />
      </div>
      <div className="mt-5">
        <div className="mb-1.5 text-xs text-zinc-600 dark:text-zinc-400">
          Where used memory goes (keys estimated from the sample)
        </div>
        <div
          aria-hidden="true"
          className="flex h-2.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
        >
          {SEGMENTS.map((seg) => (
            <div
              key={seg.key}
              className={seg.tone}
              style={{ width: `${(parts[seg.key] / total) * 100}%` }}
            />
          ))}
        </div>
        <ul className="mt-2 grid grid-cols-1 gap-x-4 gap-y-1 text-xs sm:grid-cols-2">
          {SEGMENTS.map((seg) => (
            <li key={seg.key} className="flex items-center gap-2">
              <span aria-hidden="true" className={`size-2.5 shrink-0 rounded-sm ${seg.tone}`} />
              <span>{seg.label}</span>
              <span className="ml-auto tabular-nums">{fmtBytes(parts[seg.key])}</span>
            </li>
          ))}
        </ul>
      </div>
    </Card>
  );
}
