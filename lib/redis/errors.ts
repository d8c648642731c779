/** Redis unreachable or not answering: ioredis' own error shapes. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "ETIMEDOUT" ||
    error.name === "MaxRetriesPerRequestError" ||
    /Connection is closed|Stream isn't writeable|connect ECONNREFUSED|Command timed out/.test(
      error.message,
    )
  );
}
