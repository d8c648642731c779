import { logIn } from "../scripts/http-client";
import type { DlqMessage } from "../lib/queues/types";
import { pick, randomInt, sleep, weighted } from "./random";

/**
 * An on-call admin using the dashboard's API as the browser does (a session
 * cookie, JSON bodies, an Origin header): every half minute or so they look at
 * a DLQ and requeue what failed for a passing reason, or delete a message that
 * can never succeed. Real, audited mutations: the audit page and the resolved
 * counters have data without anyone clicking.
 */
export interface OperatorOptions {
  url: string;
  user: string;
  password: string;
  queues: string[];
  log: (tag: string, text: string) => void;
}

/** Errors a requeue gets past once the upstream is back. */
const TRANSIENT =
  /^(TimeoutError|ConnectionResetError|HTTPError|ServiceUnavailable(Error)?|TranscoderError)$/;
/** Errors of messages that fail every time (the simulator's poison); others are left for a human. */
const PERMANENT = /^(PermanentError|ValueError|PDFSyntaxError|InvalidDataError|KeyError)$/;
const FIRST_ACTION_MS = 20_000;
const BETWEEN_ACTIONS_MS = [15_000, 40_000] as const;

type Action = "requeue one" | "requeue selected" | "delete one";

class Session {
  private cookie = "";

  constructor(private readonly o: OperatorOptions) {}

  /** Signs in with the credentials form, as the login page does. */
  async login(): Promise<void> {
    this.cookie = await logIn(this.o.url, this.o.user, this.o.password);
  }

  /** A JSON call; signs in again once if the session ended. */
  async call<T>(path: string, body?: unknown, retried = false): Promise<T> {
    const res = await fetch(this.o.url + path, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        cookie: this.cookie,
        origin: this.o.url,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401 && !retried) {
      await this.login();
      return this.call(path, body, true);
    }
    if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as T;
  }
}

/** Does one action on `queue` if its first page has a message for it; returns what it did. */
async function act(s: Session, queue: string, action: Action): Promise<string | null> {
  const page = await s.call<{ messages: DlqMessage[] }>(
    `/api/admin/dlq/${queue}?offset=0&limit=50`,
  );
  const transient = page.messages.filter((m) => m.errorType && TRANSIENT.test(m.errorType));
  const permanent = page.messages.filter((m) => m.errorType && PERMANENT.test(m.errorType));
  const base = `/api/admin/dlq/${queue}`;
  if (action === "delete one" && permanent.length > 0) {
    const m = pick(permanent);
    await s.call(`${base}/delete/${m.index}`, { identity: m.identity });
    return `deleted ${m.filename ?? m.identity} from the ${queue} DLQ (${m.errorType})`;
  }
  if (action === "requeue selected" && transient.length > 1) {
    const chosen = transient.slice(0, randomInt(2, 5));
    await s.call(`${base}/requeue`, {
      messages: chosen.map((m) => ({ identity: m.identity, index: m.index })),
    });
    return `requeued ${chosen.length} ${queue} messages that had failed transiently`;
  }
  if (transient.length > 0) {
    const m = pick(transient);
    await s.call(`${base}/requeue/${m.index}`, { identity: m.identity });
    return `requeued ${m.filename ?? m.identity} to ${queue} (it had failed with ${m.errorType})`;
  }
  return null;
}

/**
 * One round: the chosen action on the first queue that has a message for it
 * (queues in random order), else the other actions.
 */
async function round(s: Session, o: OperatorOptions): Promise<void> {
  const queues = [...o.queues].sort(() => Math.random() - 0.5);
  const first = weighted<Action>([
    [5, "requeue one"],
    [2, "requeue selected"],
    [2, "delete one"],
  ]);
  for (const action of [first, "requeue one", "delete one"] as const) {
    for (const queue of queues) {
      const done = await act(s, queue, action);
      if (done) return o.log("operator", `${o.user} ${done}; in the audit log`);
    }
  }
}

/** Starts the operator; the returned function stops it (an action in progress finishes). */
export function startOperator(o: OperatorOptions): () => Promise<void> {
  let running = true;
  const s = new Session(o);
  // Waits in short steps, so that stop() is prompt.
  const pause = async (ms: number) => {
    for (let t = 0; t < ms && running; t += 500) await sleep(500);
  };
  const loop = (async () => {
    await pause(FIRST_ACTION_MS);
    while (running) {
      try {
        await s.login();
        break;
      } catch (error) {
        o.log("operator", String(error));
        await pause(5_000);
      }
    }
    while (running) {
      await round(s, o).catch((error: unknown) => o.log("operator", `failed: ${String(error)}`));
      await pause(randomInt(...BETWEEN_ACTIONS_MS));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}
