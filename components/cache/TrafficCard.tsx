import type { ServerCacheStats } from "@/lib/cache/types";
import { fmtDuration, fmtInt, fmtPercent } from "../format";
import { Card, Stat } from "../ui";
import { HitRateBar } from "./HitRateBar";

function perSecond(n: number | null): string {
  if (n === null) return "–";
  return `${n < 10 && n > 0 ? n.toFixed(1) : fmtInt(n)} /s`;
}

/** Server-wide reads and keys, from Redis INFO. */
export function TrafficCard(props: { server: ServerCacheStats }) {
  const s = props.server;
  const missRate = s.hitRate === null ? null : 1 - s.hitRate;
  const window = s.windowSeconds ? fmtDuration(s.windowSeconds) : null;
  const reads = (s.windowHits ?? 0) + (s.windowMisses ?? 0);
  const expiringShare = s.keys > 0 ? s.expires / s.keys : null;
  return (
    <Card title="Reads and keys (whole Redis server)">
      <div className="grid grid-cols-2 gap-x-4 gap-y-5 sm:grid-cols-3">
        <Stat
          label="Hit rate"
          value={
            <span className="flex items-center gap-2">
              {fmtPercent(s.hitRate)}
              <HitRateBar rate={s.hitRate} className="w-16" />
            </span>
          }
          hint={
            window
              ? `Last ${window}, ${fmtInt(reads)} ${reads === 1 ? "read" : "reads"} · lifetime ${fmtPercent(s.lifetimeHitRate)}`
              : `Measuring (next refresh) · lifetime ${fmtPercent(s.lifetimeHitRate)}`
          }
        />
        <Stat
          label="Miss rate"
          value={fmtPercent(missRate)}
          hint={
            window
              ? `${fmtInt(s.windowMisses)} reads found no key, last ${window}`
              : "Reads that found no key"
          }
        />
        <Stat
          label="Evictions"
          value={perSecond(s.evictionsPerSecond)}
          tone={s.evictionsPerSecond ? "red" : "default"}
          hint={
            s.maxMemory === 0
              ? "No memory limit, so Redis never evicts"
              : "Keys dropped to stay under max memory"
          }
        />
        <Stat label="Keys" value={fmtInt(s.keys)} hint="Every key, cache or not, all databases" />
        <Stat
          label="Expiring keys"
          value={fmtInt(s.expires)}
          hint={`${fmtPercent(expiringShare, 0)} of keys have a TTL · ${perSecond(s.expirationsPerSecond)} expire`}
        />
        <Stat
          label="Average TTL"
          value={fmtDuration(s.avgTtlSeconds)}
          hint="Time left, averaged over keys with a TTL (Redis's estimate)"
        />
      </div>
    </Card>
  );
}
