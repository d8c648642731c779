/**
 * The browser side of the admin API: a fetcher for SWR and the mutation calls.
 * Every call is same-origin with a JSON body, which is what the API's CSRF
 * rule (Sec-Fetch-Site, else Origin, and a JSON content type) asks for.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Redis down, or the dashboard unreachable: show the banner and keep the last data. */
  get isOutage(): boolean {
    return this.status === 503 || this.status === 0;
  }
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as
    (T & { error?: { code: string; message: string } }) | null;
  if (!response.ok) {
    const e = body?.error;
    throw new ApiError(response.status, e?.code ?? "HTTP", e?.message ?? response.statusText);
  }
  return body as T;
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: "same-origin", ...init });
  } catch {
    throw new ApiError(0, "NETWORK", "The dashboard server cannot be reached");
  }
  noteReplication(response);
  if (response.status === 401) {
    // The session ended: a full load of the login page (not a client navigation: the
    // dashboard's state belongs to the old session), coming back here afterwards.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.href = `/login?callbackUrl=${encodeURIComponent(window.location.pathname)}`;
  }
  return parse<T>(response);
}

/** What the last change's answer said of its replicas, until takeReplicationWarning reads it. */
let replicationWarning: string | null = null;

/**
 * A change the replicas did not confirm in time (REDIS_WAIT_REPLICAS): it is
 * made on the Redis master, but a failover now would undo it.
 */
function noteReplication(response: Response): void {
  const header = response.headers.get("redrive-replication");
  if (!header) return;
  const acked = /acked=(\d+)/.exec(header)?.[1] ?? "?";
  const wanted = /wanted=(\d+)/.exec(header)?.[1] ?? "?";
  replicationWarning = `Done on the Redis master, but only ${acked} of ${wanted} replicas confirmed it in time: a failover now could undo it. Check the DLQ again in a minute.`;
}

/** The warning of the last change, once (the status line shows it beside the success). */
export function takeReplicationWarning(): string | null {
  const warning = replicationWarning;
  replicationWarning = null;
  return warning;
}

/**
 * A read. `maxAgeMs` is how old a shared answer the dashboard accepts (its
 * poll interval): the server then answers every open dashboard from one Redis
 * read; 0 asks for a fresh one.
 */
export function getJson<T>(path: string, maxAgeMs = 0): Promise<T> {
  const cacheControl = maxAgeMs > 0 ? `max-age=${Math.floor(maxAgeMs / 1000)}` : "no-cache";
  return send<T>(path, { headers: { accept: "application/json", "cache-control": cacheControl } });
}

/**
 * A change. It carries an Idempotency-Key, one per action, and is sent again
 * with the same key when no answer came (the dashboard server restarting,
 * say): the server answers a repeat with the first outcome, so a retry never
 * moves a message twice.
 */
async function mutate<T>(method: "POST" | "DELETE", path: string, body: unknown): Promise<T> {
  const init: RequestInit = {
    method,
    headers: { "content-type": "application/json", "idempotency-key": newIdempotencyKey() },
    body: JSON.stringify(body),
  };
  for (const wait of RESEND_AFTER_MS) {
    try {
      return await send<T>(path, init);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 0)) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  return send<T>(path, init);
}

/** Waits before each resend of a change whose answer never came: about 15 s in all. */
const RESEND_AFTER_MS = [1_000, 2_000, 4_000, 8_000];

/** 128 random bits as hex: getRandomValues works on plain http too, where randomUUID does not. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  return mutate<T>("POST", path, body);
}

export function deleteJson<T>(path: string, body: unknown = {}): Promise<T> {
  return mutate<T>("DELETE", path, body);
}

/**
 * A download answered to a POST (a selection's export): the file's bytes and
 * the name the server gave it. A refusal throws as any other call's does.
 */
export async function postForFile(
  path: string,
  body: unknown,
): Promise<{ blob: Blob; name: string }> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "NETWORK", "The dashboard server cannot be reached");
  }
  if (!response.ok) return parse(response);
  const disposition = response.headers.get("content-disposition") ?? "";
  const name = /filename="([^"]{1,200})"/.exec(disposition)?.[1] ?? "export.jsonl";
  return { blob: await response.blob(), name };
}

/** `path` with the defined params as its query string (URLSearchParams encodes them). */
export function apiPath(
  path: string,
  params: Record<string, string | number | undefined> = {},
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) query.set(name, String(value));
  }
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

export function queuePath(queue: string, ...rest: string[]): string {
  return ["/api/admin/dlq", encodeURIComponent(queue), ...rest].join("/");
}
