/**
 * Runs once when the server starts: a misconfigured production server stops
 * here with a message naming what is missing, instead of serving a dashboard
 * nobody can log in to (or anyone can).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig, ConfigError } = await import("./lib/config");
  const { productionAuthProblems } = await import("./lib/auth/startup");
  try {
    const problems = productionAuthProblems(getConfig());
    if (problems.length > 0) throw new ConfigError(problems);
  } catch (error) {
    process.stderr.write(
      `Redrive cannot start:\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
