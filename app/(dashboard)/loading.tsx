/** Shown while a dashboard page's server part renders (the data itself streams in by polling). */
export default function Loading() {
  return (
    <div role="status" className="py-16 text-center text-sm text-zinc-600 dark:text-zinc-400">
      Loading…
    </div>
  );
}
