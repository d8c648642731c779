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
  if (response.status === 401) {
    // The session ended: a full load of the login page (not a client navigation: the
    // dashboard's state belongs to the old session), coming back here afterwards.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.href = `/login?callbackUrl=${encodeURIComponent(window.location.pathname)}`;
  }
  return parse<T>(response);
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

export function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  return send<T>(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export function deleteJson<T>(path: string, body: unknown = {}): Promise<T> {
  return send<T>(path, {
    method: "DELETE",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
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
