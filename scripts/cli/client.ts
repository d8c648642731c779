import { randomBytes } from "node:crypto";

/**
 * The `redrive` command line's side of the admin API: a running dashboard at
 * REDRIVE_URL, called with an API token (REDRIVE_TOKEN) in the Authorization
 * header, as any script would. Every change carries an Idempotency-Key, kept
 * across the resends of one command, so a retry never acts twice.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** The exit code: 1 an error, 2 a usage error, 3 a conflict or nothing moved. */
    readonly exitCode: number,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface Connection {
  url: string;
  token: string;
}

/** The exit code of an API error: 409 is a conflict (3); 400 a usage error (2); the rest 1. */
function exitCodeOf(status: number): number {
  if (status === 409) return 3;
  if (status === 400) return 2;
  return 1;
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

const RESEND_AFTER_MS = [500, 1_000, 2_000];

/** `attempt` again after each wait while it got no answer at all (status 0). */
async function resending<T>(attempt: () => Promise<T>): Promise<T> {
  for (const wait of RESEND_AFTER_MS) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof CliError && error.status === 0)) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  return attempt();
}

export class ApiClient {
  constructor(private readonly connection: Connection) {}

  /** A read: sent again, as a change is, when no answer came (a dashboard restarting). */
  get<T>(path: string, query: Query = {}): Promise<T> {
    return resending(() => this.send<T>("GET", withQuery(path, query)));
  }

  /** A change: resent with the same Idempotency-Key when no answer came. */
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.change<T>("POST", path, body);
  }

  /** DELETE, with its query: a change like post (with an empty JSON body, as every change has). */
  delete<T>(path: string, query: Query = {}): Promise<T> {
    return this.change<T>("DELETE", withQuery(path, query), {});
  }

  private change<T>(method: string, path: string, body?: unknown): Promise<T> {
    const key = randomBytes(16).toString("hex");
    return resending(() => this.send<T>(method, path, body, key));
  }

  private async send<T>(method: string, path: string, body?: unknown, key?: string) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.connection.token}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (key) headers["idempotency-key"] = key;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.connection.url), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError(`${this.connection.url} cannot be reached: ${reason}`, 1, 0);
    }
    const parsed = (await response.json().catch(() => null)) as
      (T & { error?: { code: string; message: string } }) | null;
    if (!response.ok) {
      const e = parsed?.error;
      const text = e ? `${e.message} (${response.status} ${e.code})` : `HTTP ${response.status}`;
      throw new CliError(text, exitCodeOf(response.status), response.status, e?.code);
    }
    return parsed as T;
  }
}
