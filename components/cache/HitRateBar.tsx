/**
 * A thin bar for a hit rate. Decorative: the percentage is always written
 * beside it, so screen readers get the number once.
 */
export function HitRateBar(props: { rate: number | null; className?: string }) {
  if (props.rate === null) return null;
  const pct = Math.max(0, Math.min(100, props.rate * 100));
  const tone =
    props.rate >= 0.8
      ? "bg-emerald-600 dark:bg-emerald-500"
      : props.rate >= 0.5
        ? "bg-amber-500 dark:bg-amber-400"
        : "bg-red-600 dark:bg-red-500";
  return (
    <div
      aria-hidden="true"
      className={`h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700 ${props.className ?? "w-20"}`}
    >
      <div className={`h-full rounded-full ${tone}`} style={{ width: `${pct}%` }} />
    </div>
  );
}
