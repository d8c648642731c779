/**
 * Placeholder home page: the dashboard arrives with the admin API and UI issues.
 * It renders no Redis data, so it needs no session yet.
 */
export default function HomePage() {
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <h1 className="text-2xl font-semibold">Redrive</h1>
      <p className="mt-4 text-zinc-600 dark:text-zinc-400">
        Dead-letter queues, retry queues and caches on Redis. The queue engine and the retry worker
        service run today (<code>npm run worker</code>); the dashboard is on its way.
      </p>
    </main>
  );
}
