/**
 * Runs once when the server starts: a misconfigured production server stops
 * with a message naming what is missing, instead of serving a dashboard nobody
 * can log in to (or anyone can).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { exitOnServerProblems, logRedisSafety } = await import("./lib/http/startup");
    exitOnServerProblems();
    logRedisSafety();
    // The front layer times every response into /api/metrics' latency histogram.
    const { installRequestObserver } = await import("./lib/metrics/process-metrics");
    installRequestObserver();
  }
}
