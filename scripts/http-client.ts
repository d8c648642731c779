/**
 * Talking to a running dashboard over HTTP as a browser does: what the demo's
 * operator, the test harnesses and the benchmarks share. No server-only
 * imports: it only uses fetch.
 */

/** The `name=value` part of each Set-Cookie of a response. */
export function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

export interface CredentialsOptions {
  /** Extra request headers (X-Forwarded-For behind a proxy, say). */
  headers?: Record<string, string>;
  /** Cookies to send besides the CSRF cookie (a device cookie). */
  cookies?: string[];
  /** The callback path, if not next-auth's usual one. */
  path?: string;
  /** Extra form fields (display=true). */
  fields?: Record<string, string>;
}

/** One POST of next-auth's credentials form (after fetching its CSRF token); the raw response. */
export async function postCredentials(
  baseUrl: string,
  username: string,
  password: string,
  options: CredentialsOptions = {},
): Promise<Response> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: options.headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  return fetch(`${baseUrl}${options.path ?? "/api/auth/callback/credentials"}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...options.headers,
      "content-type": "application/x-www-form-urlencoded",
      cookie: [...cookiesOf(csrf), ...(options.cookies ?? [])].join("; "),
    },
    body: new URLSearchParams({
      csrfToken,
      username,
      password,
      json: "true",
      ...options.fields,
    }),
  });
}

/** Logs in and returns the session cookie (`name=value`); throws when the login fails. */
export async function logIn(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await postCredentials(baseUrl, username, password);
  const session = cookiesOf(res).find((c) => c.includes("session-token="));
  if (!session) throw new Error(`login as ${username} failed: ${res.status}`);
  return session;
}

export interface StartedServer {
  /** Whether the server process has exited. */
  exited(): boolean;
  /** What it printed, for error messages. */
  output(): string;
}

/**
 * Resolves once GET /api/health answers 200 (Redis connected); throws if the
 * server exits or `timeoutMs` pass. With `firstAnswerOk`, a first answer of
 * 503 is an error: used where Redis is known to be up, so a 503 is a bug.
 */
export async function waitForHealth(
  url: string,
  server: StartedServer,
  options: { timeoutMs?: number; firstAnswerOk?: boolean } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (server.exited()) throw new Error(`the dashboard exited:\n${server.output()}`);
    const status = await fetch(`${url}/api/health`).then(
      (r) => r.status,
      () => 0, // not listening yet
    );
    if (status === 200) return;
    if (status === 503 && options.firstAnswerOk) {
      throw new Error(`the first health check answered 503:\n${server.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`GET /api/health did not answer 200 in time:\n${server.output()}`);
}
