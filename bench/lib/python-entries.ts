import { randomUUID } from "node:crypto";
import { prng } from "./load";

/**
 * Dead letters as the Python backend writes them (docs/python-backend.md),
 * the one generator the benchmarks use for them: its `json.dumps` output with
 * the default ", " and ": " separators, keys in whatever order the producer's
 * dict had them, `\uXXXX` escapes (ensure_ascii, the default) or raw UTF-8
 * (ensure_ascii=False), integers beyond 2^53, retry_count first, in the middle,
 * last or absent, and the error inline in some entries and only in the
 * `dlq:metadata:{job_id}:{filename}` hash in the others (the hash is always
 * written, with the eight fields the backend gives it and no dlq_entry_sha1).
 * Every choice comes from a seeded generator: the same index gives the same
 * shape in every run (the ids and times are fresh).
 */

export interface PythonDeadLetter {
  /** The bytes LPUSHed to `<q>_dlq`. */
  entry: Buffer;
  metadataKey: string;
  /** The backend's metadata hash, field by field (all strings). */
  metadata: Record<string, string>;
}

export interface PythonShape {
  /** The failure's traceback, as the hash's error_stack holds it. */
  stack?: string;
  /** The work list the message came from (original_queue). */
  originalQueue: string;
  failedAt: Date;
}

/** A traceback of the backend's document worker (~500 bytes). */
export const PYTHON_TRACEBACK = [
  "Traceback (most recent call last):",
  '  File "/app/backend/workers/document_worker.py", line 142, in process_message',
  "    pages = ocr.extract(path)",
  '  File "/app/backend/services/ocr.py", line 57, in extract',
  "    image = Image.open(path)",
  '  File "/usr/local/lib/python3.11/site-packages/PIL/Image.py", line 3280, in open',
  "    raise UnidentifiedImageError(msg)",
  "PIL.UnidentifiedImageError: cannot identify image file '/tmp/upload.pdf'",
].join("\n");

/** Non-ASCII the backend's users type: accents, CJK, an emoji (a surrogate pair once escaped). */
const TITLES = [
  "Quarterly résumé – München",
  "議事録 第{n}回 東京",
  "Zoë's naïve café menu 📄",
  "Отчёт №{n}",
  "plain ascii title {n}",
];

const ERRORS: [string, string][] = [
  ["TimeoutError", "GCS download timed out after 30 s"],
  ["UnidentifiedImageError", "cannot identify image file '/tmp/upload.pdf'"],
  ["ValueError", "invalid literal for int() with base 10: 'n/a'"],
];

/** A Python str as json.dumps writes it: with ensure_ascii, every char outside ' '..'~' as \uXXXX (lowercase). */
function pyString(s: string, ensureAscii: boolean): string {
  const json = JSON.stringify(s);
  if (!ensureAscii) return json;
  return json.replace(
    /[^\u0020-\u007e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** datetime.utcnow().isoformat(): no zone, microseconds. */
export function pythonIsoformat(at: Date): string {
  return at.toISOString().slice(0, -1) + "000";
}

type Member = [key: string, text: string];

function dumps(members: Member[]): string {
  return `{${members.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")}}`;
}

/** Fisher–Yates with the seeded generator. */
function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** 2^63 + i: beyond 2^53, so a JavaScript number would change it (JSON.parse must never touch it). */
const TRACE_BASE = 2n ** 63n;

/** The members of the message the producer enqueued (retry_count placed by the caller). */
function messageMembers(i: number, rnd: () => number, ascii: boolean) {
  const jobId = randomUUID();
  const filename = `uploads/report-${i}.pdf`;
  const title = TITLES[i % TITLES.length]!.replace("{n}", String(i));
  const members: Member[] = [
    ["job_id", pyString(jobId, ascii)],
    ["filename", pyString(filename, ascii)],
    ["gcs_path", pyString(`gs://redrive-bench-uploads/${jobId}/${filename}`, ascii)],
    ["user_id", String(100_000 + (i % 50_000))],
    ["trace_id", (TRACE_BASE + BigInt(i)).toString()],
    ["title", pyString(title, ascii)],
    ["enqueued_at", String(1_718_000_000 + i / 1000 + rnd() / 1e6)],
    ["options", `{"ocr": true, "lang": ${pyString(rnd() < 0.5 ? "de" : "ja", ascii)}}`],
  ];
  return { jobId, filename, members };
}

/** Where retry_count goes, or absent: each shape about as often. */
function placeRetryCount(members: Member[], rnd: () => number): Member[] {
  const pick = Math.floor(rnd() * 5);
  const rc: Member = ["retry_count", "3"];
  if (pick === 0) return [rc, ...members];
  if (pick === 1) return [...members.slice(0, 3), rc, ...members.slice(3)];
  if (pick === 2) return [...members, rc];
  if (pick === 3) return shuffle([...members, rc], rnd);
  return members;
}

/** A seeded generator of dead letters, entry `i` at a time, for one fill. */
export function pythonDeadLetters(seed = 1): (i: number, shape: PythonShape) => PythonDeadLetter {
  const rnd = prng(seed);
  return (i, shape) => {
    const ascii = rnd() < 0.75;
    const { jobId, filename, members } = messageMembers(i, rnd, ascii);
    const [errorType, errorMessage] = ERRORS[i % ERRORS.length]!;
    const failedAt = pythonIsoformat(shape.failedAt);
    const body = placeRetryCount(members, rnd);
    // Half the deployments stamp the failure into the entry too; the others only in the hash.
    if (rnd() < 0.5) {
      body.push(
        ["error", pyString(`${errorType}: ${errorMessage}`, ascii)],
        ["failed_at", pyString(failedAt, ascii)],
        ["original_queue", pyString(shape.originalQueue, ascii)],
      );
    }
    return {
      entry: Buffer.from(dumps(body)),
      metadataKey: `dlq:metadata:${jobId}:${filename}`,
      metadata: {
        job_id: jobId,
        filename,
        error_type: errorType,
        error_message: errorMessage,
        error_stack: shape.stack ?? PYTHON_TRACEBACK,
        retry_count: "3",
        failed_at: failedAt,
        original_queue: shape.originalQueue,
      },
    };
  };
}
