import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebStream } from "node:stream/web";

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

/** Waits before sending again a request that got no answer at all. */
const RESEND_AFTER_MS = [500, 1_000, 2_000];
/**
 * How long a resent change waits while the server says its first sending is
 * still running (409 IN_PROGRESS): the server holds the key 30 s at most.
 */
const IN_PROGRESS_WAIT_MS = 35_000;
const READ_TIMEOUT_MS = 60_000;
/** A change may run long (purging a large DLQ); waiting beats sending it again. */
const CHANGE_TIMEOUT_MS = 600_000;

/** The request was sent and no answer came: it may or may not have been acted on. */
const NO_ANSWER = 0;

/**
 * `attempt` again while it got no answer (a dropped connection, a dashboard
 * restarting), and, once resent, while the first sending is still running.
 */
async function resending<T>(attempt: () => Promise<T>): Promise<T> {
  const waits = [...RESEND_AFTER_MS];
  let runningSince: number | null = null;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      const resent = waits.length < RESEND_AFTER_MS.length;
      if (resent && error.code === "IN_PROGRESS") {
        runningSince ??= Date.now();
        if (Date.now() - runningSince > IN_PROGRESS_WAIT_MS) throw error;
        await sleep(1_000);
      } else if (error.status === NO_ANSWER && waits.length > 0) {
        await sleep(waits.shift()!);
      } else throw error;
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  /**
   * A GET whose answer is a file (an export): streamed into what `open`
   * gives, once the answer is a success, as it comes, never held whole. Not resent: a second export would be audited
   * twice, and bytes already written cannot be taken back.
   */
  async download(path: string, query: Query, open: () => NodeJS.WritableStream): Promise<number> {
    let response: Response;
    try {
      response = await fetch(new URL(withQuery(path, query), this.connection.url), {
        headers: { authorization: `Bearer ${this.connection.token}` },
      });
    } catch (error) {
      throw this.unanswered(error, 0);
    }
    if (!response.ok || !response.body) return answerOf<never>(response, this.connection.url);
    // Opened only now: a refusal leaves an existing file as it was.
    const out = open();
    let bytes = 0;
    const body = Readable.fromWeb(response.body as WebStream);
    body.on("data", (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, out, { end: out !== process.stdout });
    return bytes;
  }

  private change<T>(method: string, path: string, body?: unknown): Promise<T> {
    const key = randomBytes(16).toString("hex");
    return resending(() => this.send<T>(method, path, body, key));
  }

  private async send<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.connection.token}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (key) headers["idempotency-key"] = key;
    const timeout = key ? CHANGE_TIMEOUT_MS : READ_TIMEOUT_MS;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.connection.url), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      throw this.unanswered(error, timeout);
    }
    return answerOf<T>(response, this.connection.url);
  }

  /**
   * Why a request got no answer. Only the cause's code is told (never the
   * error's message: one about a header would hold the token). A timeout is
   * not resent: the dashboard had the request and may still act on it.
   */
  private unanswered(error: unknown, timeout: number): CliError {
    const { url } = this.connection;
    if (error instanceof Error && error.name === "TimeoutError") {
      return new CliError(
        `${url} did not answer within ${timeout / 1000} s; a change may still be under way`,
        1,
      );
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return new CliError(`${url} cannot be reached${cause ? ` (${cause})` : ""}`, 1, NO_ANSWER);
  }
}

/** The answer's JSON; an error answer as a CliError; a body that is not JSON as no answer. */
async function answerOf<T>(response: Response, url: string): Promise<T> {
  type Answer = T & { error?: { code: string; message: string } };
  let parsed: Answer | null = null;
  try {
    parsed = (await response.json()) as Answer;
  } catch {
    if (response.ok) {
      // Cut short, or not Redrive (a proxy's page): sent again, a change with its key.
      throw new CliError(
        `${url} answered ${response.status} without JSON: is it Redrive?`,
        1,
        NO_ANSWER,
      );
    }
  }
  if (!response.ok) {
    const e = parsed?.error;
    const text = e ? `${e.message} (${response.status} ${e.code})` : `HTTP ${response.status}`;
    throw new CliError(text, exitCodeOf(response.status), response.status, e?.code);
  }
  return parsed as T;
}
