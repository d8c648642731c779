/**
 * An admin talking to one dashboard over HTTP as the browser does (the same
 * credentials login as scripts/http-client.ts, which the harness cannot import
 * without a TypeScript loader). Every call is recorded with the phase, the
 * dashboard's version, the status and the time, so the report can list them
 * and fail on any answer of 500 or more (or none at all).
 */

function cookiesOf(response) {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]);
}

export class Dashboard {
  constructor(version, url, calls) {
    this.version = version;
    this.url = url;
    this.calls = calls;
    this.phase = "";
    this.cookie = "";
  }

  /** next-auth's credentials form; the raw response (a wrong password is not an exception here). */
  async postCredentials(username, password) {
    const csrf = await fetch(`${this.url}/api/auth/csrf`);
    const { csrfToken } = await csrf.json();
    const t0 = performance.now();
    const res = await fetch(`${this.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: cookiesOf(csrf).join("; "),
      },
      body: new URLSearchParams({ csrfToken, username, password, json: "true" }),
    });
    this.record(
      "POST",
      `/api/auth/callback/credentials (${username})`,
      res.status,
      performance.now() - t0,
    );
    return res;
  }

  async logIn(username, password) {
    const res = await this.postCredentials(username, password);
    const session = cookiesOf(res).find((c) => c.includes("session-token="));
    if (!session)
      throw new Error(`${this.version} dashboard: login as ${username} failed (${res.status})`);
    this.cookie = session;
    return this;
  }

  record(method, path, status, ms, note = "") {
    const entry = { phase: this.phase, version: this.version, method, path, status, ms, note };
    this.calls.push(entry);
    return entry;
  }

  /** One request; the parsed JSON body (or null) with the status. Never throws for a status. */
  async request(method, path, body) {
    const headers = { cookie: this.cookie };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers.origin = this.url;
    }
    const t0 = performance.now();
    let res;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      this.record(method, path, 0, performance.now() - t0, String(error));
      return { status: 0, body: null };
    }
    const text = await res.text();
    const entry = this.record(method, path, res.status, performance.now() - t0);
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      entry.note = text.slice(0, 200);
    }
    if (res.status >= 400) entry.note = JSON.stringify(parsed?.error ?? text.slice(0, 200));
    return { status: res.status, body: parsed };
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path, body = {}) {
    return this.request("POST", path, body);
  }
}
