import { createHmac, randomBytes } from "node:crypto";
import type { Config } from "../config";
import { METADATA_OWNER } from "./message";
import { entryIdentity, entrySha1, type ReadEntry } from "./read";
import type { DlqMessage, ErrorGroup, ScheduledRetryView } from "./types";

/**
 * Personal data in payloads (REDRIVE_REDACT): the one place that masks it.
 * Every response that shows an entry's content to a viewer, and any export,
 * goes through a Redactor. Masking works on JSON.parse of the whole entry and
 * gives JSON.stringify of the result: a redacted text is for display only and
 * never what an action moves (admins act on unredacted views).
 */

/** What a masked value becomes; the key stays, so the field is seen to exist. */
export const REDACTED = "[redacted]";

/**
 * A cut entry (head and tail only) cannot be parsed, so no path can be masked
 * in it with certainty: it is not shown at all rather than guessed at.
 */
export const HIDDEN_LARGE = "[large entry: hidden from viewers while REDRIVE_REDACT is set]";

/** Field paths as REDRIVE_REDACT gives them: segments, `*` for any key or index. */
export type RedactPaths = readonly (readonly string[])[];

type Json = unknown;

function setOwn(container: Record<string, Json> | Json[], key: string | number, value: Json) {
  // defineProperty, not assignment: JSON.parse makes "__proto__" an own key,
  // and assigning to it would call the prototype setter and leave the value.
  Object.defineProperty(container, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function childKeys(value: Json, segment: string): (string | number)[] {
  if (Array.isArray(value)) {
    if (segment === "*") return value.map((_, i) => i);
    return /^\d+$/.test(segment) && Number(segment) < value.length ? [Number(segment)] : [];
  }
  if (value !== null && typeof value === "object") {
    if (segment === "*") return Object.keys(value);
    return Object.hasOwn(value, segment) ? [segment] : [];
  }
  return [];
}

function maskAt(value: Json, path: readonly string[], depth: number): void {
  const segment = path[depth]!;
  for (const key of childKeys(value, segment)) {
    const container = value as Record<string | number, Json>;
    if (depth === path.length - 1) setOwn(container as Record<string, Json>, key, REDACTED);
    else maskAt(container[key], path, depth + 1);
  }
}

/** Masks every path in a parsed JSON value, in place; missing paths are no-ops. */
export function maskJson<T>(value: T, paths: RedactPaths): T {
  for (const path of paths) if (path.length > 0) maskAt(value, path, 0);
  return value;
}

/**
 * An entry's text with the paths masked: JSON.stringify of the masked parse.
 * Text that is not JSON has no fields to name and comes back as it is.
 */
export function redactText(text: string, paths: RedactPaths): string {
  if (paths.length === 0) return text;
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    return text;
  }
  return JSON.stringify(maskJson(parsed, paths));
}

/** Whether a configured path masks this concrete path (or a field around it). */
export function covers(paths: RedactPaths, concrete: readonly string[]): boolean {
  return paths.some(
    (p) => p.length <= concrete.length && p.every((s, i) => s === "*" || s === concrete[i]),
  );
}

let processKey: Buffer | null = null;
const derivedKeys = new Map<string, Buffer>();

/** The key of identity tokens: from NEXTAUTH_SECRET (the same in every process), else per process. */
function tokenKey(config: Config): Buffer {
  const secret = config.NEXTAUTH_SECRET;
  if (!secret) return (processKey ??= randomBytes(32));
  let key = derivedKeys.get(secret);
  if (!key) {
    key = createHmac("sha256", secret).update("redrive redact identity").digest();
    derivedKeys.set(secret, key);
  }
  return key;
}

export const TOKEN_PREFIX = "v:";

/**
 * What a viewer gets instead of an identity while REDRIVE_REDACT is set: an
 * `id:<value>` would show a masked `id`, and `h:<sha1>` of an entry lets
 * anyone who guesses a masked value check the guess. The token is keyed, so
 * it names the entry (to open it) and tells nothing about its bytes.
 */
export function identityToken(config: Config, identity: string): string {
  const mac = createHmac("sha256", tokenKey(config)).update(identity).digest("hex");
  return `${TOKEN_PREFIX}${mac.slice(0, 40)}`;
}

/** Whether an entry as read is the one a token names (by either identity it may have been given). */
export function tokenNames(config: Config, e: ReadEntry, token: string): boolean {
  return (
    identityToken(config, entryIdentity(e)) === token ||
    identityToken(config, `h:${entrySha1(e)}`) === token
  );
}

/**
 * Identities as the audit log keeps them: `id:<value>` would put a masked `id`
 * in a record every viewer can read, so the value is masked there.
 */
export function auditIdentities(
  config: Config,
  identities: string[] | undefined,
): string[] | undefined {
  if (!identities || !covers(config.REDRIVE_REDACT, ["id"])) return identities;
  return identities.map((id) => (id.startsWith("id:") ? `id:${REDACTED}` : id));
}

/** Metadata hash fields that repeat a payload field under another name. */
const METADATA_ALIASES: Record<string, readonly string[]> = {
  error_type: ["error", "type"],
  error_message: ["error", "message"],
  error_stack: ["error", "stack"],
};

const METADATA_PREFIX = "dlq:metadata:";

/** Masks what one kind of reader may not see; built by redactorFor. */
export class Redactor {
  constructor(
    readonly config: Config,
    readonly paths: RedactPaths,
  ) {}

  private covers(...concrete: string[]): boolean {
    return covers(this.paths, concrete);
  }

  private mask<T extends string | null>(value: T, ...concrete: string[]): T | typeof REDACTED {
    return value !== null && this.covers(...concrete) ? REDACTED : value;
  }

  identity(identity: string): string {
    return identityToken(this.config, identity);
  }

  /** A DLQ entry's view: its text and payload masked, and every field drawn from a masked one. */
  view(m: DlqMessage): DlqMessage {
    let raw = HIDDEN_LARGE;
    let payload: unknown = null;
    if (!m.truncated) {
      raw = redactText(m.raw, this.paths);
      payload = m.payload === null || raw === m.raw ? m.payload : JSON.parse(raw);
    }
    const metadata = this.metadata(m.metadata);
    let metadataKey = m.metadataKey;
    // `h:<sha1 of the entry>` would let a guess be checked; job_id and filename may be masked.
    if (
      metadataKey.startsWith(`${METADATA_PREFIX}h:`) ||
      this.covers("job_id") ||
      this.covers("filename")
    ) {
      metadataKey = `${METADATA_PREFIX}${REDACTED}`;
    }
    return {
      ...m,
      identity: this.identity(m.identity),
      raw,
      payload,
      jobId: this.mask(m.jobId, "job_id"),
      filename: this.mask(m.filename, "filename"),
      errorType: this.mask(m.errorType, "error", "type"),
      errorMessage: this.mask(m.errorMessage, "error", "message"),
      errorStack: this.mask(m.errorStack, "error", "stack"),
      originalQueue: this.mask(m.originalQueue, "original_queue"),
      metadataKey,
      metadata,
    };
  }

  /** A metadata hash's fields, those that repeat a masked payload field (or name the entry's bytes) masked. */
  metadata(hash: Record<string, string> | null): Record<string, string> | null {
    if (!hash) return null;
    return Object.fromEntries(
      Object.entries(hash).map(([k, v]) => {
        const masked =
          k === METADATA_OWNER || this.covers(k) || this.covers(...(METADATA_ALIASES[k] ?? [k]));
        return [k, masked ? REDACTED : v];
      }),
    );
  }

  /** A scheduled retry as the retry list shows it. */
  retry(r: ScheduledRetryView): ScheduledRetryView {
    return {
      ...r,
      identity: this.identity(r.identity),
      raw: r.truncated ? HIDDEN_LARGE : redactText(r.raw, this.paths),
    };
  }

  /**
   * The text the filter looks in: what this reader would see, so that a match
   * never tells a masked value. A cut entry shows nothing, so matches nothing.
   */
  searchText(e: ReadEntry): string | null {
    return e.whole ? redactText(e.whole.toString("utf8"), this.paths) : null;
  }

  /** A group's id as this reader gets it: a token when the error's type or message is masked. */
  groupId(id: string): string {
    return this.covers("error", "message") || this.covers("error", "type")
      ? this.identity(`group:${id}`)
      : id;
  }

  /**
   * An error group: error messages are Redrive's text, not payload, unless
   * the `error` field itself is masked; then the message, its pattern and the
   * id (a hash of them) are masked too.
   */
  group(g: ErrorGroup): ErrorGroup {
    const message = this.covers("error", "message");
    const type = this.covers("error", "type");
    if (!message && !type) return g;
    return {
      ...g,
      id: this.groupId(g.id),
      errorType: type ? REDACTED : g.errorType,
      pattern: message ? REDACTED : g.pattern,
      example: message ? REDACTED : g.example,
    };
  }
}

/**
 * The Redactor for a request's user, or null when nothing is masked for them:
 * admins see (and act on) the exact entries; viewers, display sessions among
 * them, see the configured paths masked.
 */
export function redactorFor(
  config: Config,
  user: { role: string; display?: boolean },
): Redactor | null {
  if (config.REDRIVE_REDACT.length === 0) return null;
  if (user.role === "admin" && user.display !== true) return null;
  return new Redactor(config, config.REDRIVE_REDACT);
}

/**
 * For an export: the same masking whoever asks, since an exported file leaves
 * the dashboard's access control behind.
 */
export function exportRedactor(config: Config): Redactor | null {
  return config.REDRIVE_REDACT.length === 0 ? null : new Redactor(config, config.REDRIVE_REDACT);
}
