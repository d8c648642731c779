/** A tiny SVG trend line for a card (plain SVG: no chart library for 30 points). */
export function Sparkline(props: { values: number[]; label: string; className?: string }) {
  const { values } = props;
  if (values.length < 2) {
    return <span className="text-xs text-zinc-600 dark:text-zinc-400">collecting trend…</span>;
  }
  const w = 120;
  const h = 28;
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const points = values
    .map(
      (v, i) =>
        `${((i / (values.length - 1)) * w).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`,
    )
    .join(" ");
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      width={w}
      height={h}
      role="img"
      aria-label={props.label}
      className={props.className}
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.5} />
    </svg>
  );
}
