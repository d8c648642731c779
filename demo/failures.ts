import { PermanentError } from "../lib/worker/processor";
import { unitHash, weighted } from "./random";

/**
 * How the four pipelines fail: transient errors (an upstream timing out,
 * a reset connection, a 503) that a retry usually gets past, and poison
 * messages that fail on every attempt. Poison is decided by the message's
 * content (its codec, its file type, a hash of its job id), so a requeued
 * poison message fails again, as it would in production.
 */

/** Where each pipeline's code "lives", for stack traces that look like a worker's. */
const SOURCE: Record<string, string> = {
  document: "/srv/pipeline/document",
  audio: "/srv/pipeline/audio",
  video: "/srv/pipeline/video",
  graph: "/srv/pipeline/graph",
};

/** An error with a worker's name and a short stack of the pipeline's frames. */
function failure(
  name: string,
  message: string,
  frames: string[],
  Kind: typeof Error = Error,
): Error {
  const error = new Kind(message);
  error.name = name;
  error.stack = [`${name}: ${message}`, ...frames.map((f) => `    at ${f}`)].join("\n");
  return error;
}

const frame = (queue: string, fn: string, file: string, line: number) =>
  `${fn} (${SOURCE[queue] ?? "/srv/pipeline"}/${file}:${line}:${(line * 7) % 40})`;

export interface Transient {
  /** Errors that wait out a timeout take longer than a normal attempt. */
  slow: boolean;
  make: () => Error;
}

const reset = (queue: string, host: string): Transient => ({
  slow: false,
  make: () =>
    failure("ConnectionResetError", `[Errno 104] Connection reset by peer (${host})`, [
      frame(queue, "Socket.onEnd", "net/client.ts", 212),
      frame(queue, "fetchInput", "worker.ts", 37),
    ]),
});

const TRANSIENT: Record<string, readonly (readonly [number, Transient])[]> = {
  document: [
    [
      5,
      {
        slow: true,
        make: () =>
          failure("TimeoutError", "upstream OCR service timed out after 30s", [
            frame("document", "OcrClient.extract", "ocr.ts", 88),
            frame("document", "processDocument", "worker.ts", 41),
          ]),
      },
    ],
    [2, reset("document", "storage.googleapis.com:443")],
    [
      2,
      {
        slow: false,
        make: () =>
          failure("HTTPError", "503 Service Unavailable from ocr-gateway", [
            frame("document", "OcrClient.post", "ocr.ts", 131),
            frame("document", "processDocument", "worker.ts", 41),
          ]),
      },
    ],
  ],
  audio: [
    [
      4,
      {
        slow: true,
        make: () =>
          failure("TimeoutError", "speech-to-text request timed out after 60s", [
            frame("audio", "SttClient.transcribe", "stt.ts", 64),
            frame("audio", "processAudio", "worker.ts", 29),
          ]),
      },
    ],
    [
      3,
      {
        slow: false,
        make: () =>
          failure("ServiceUnavailableError", "503 from whisper-gateway: upstream overloaded", [
            frame("audio", "SttClient.transcribe", "stt.ts", 71),
            frame("audio", "processAudio", "worker.ts", 29),
          ]),
      },
    ],
    [2, reset("audio", "whisper-gateway:8443")],
  ],
  video: [
    [
      4,
      {
        slow: false,
        make: () =>
          failure("TranscoderError", "503 Service Unavailable from transcoder (ffmpeg-pool-2)", [
            frame("video", "Transcoder.submit", "transcoder.ts", 102),
            frame("video", "processVideo", "worker.ts", 55),
          ]),
      },
    ],
    [
      3,
      {
        slow: true,
        make: () =>
          failure("TimeoutError", "transcode of segment 14 timed out after 120s", [
            frame("video", "Transcoder.wait", "transcoder.ts", 147),
            frame("video", "processVideo", "worker.ts", 55),
          ]),
      },
    ],
    [2, reset("video", "ffmpeg-pool-2:9000")],
  ],
  graph: [
    [
      4,
      {
        slow: false,
        make: () =>
          failure("ServiceUnavailable", "Neo4j: leader switched during write transaction, retry", [
            frame("graph", "GraphStore.write", "store.ts", 76),
            frame("graph", "buildGraph", "worker.ts", 48),
          ]),
      },
    ],
    [
      3,
      {
        slow: true,
        make: () =>
          failure("TimeoutError", "embedding service timed out after 30s", [
            frame("graph", "Embedder.embed", "embed.ts", 33),
            frame("graph", "buildGraph", "worker.ts", 40),
          ]),
      },
    ],
    [2, reset("graph", "neo4j-core-1:7687")],
  ],
};

const GENERIC_TRANSIENT: readonly (readonly [number, Transient])[] = [
  [1, reset("other", "upstream:443")],
];

/** One of the queue's transient errors, as often as each happens in practice. */
export function transientFailure(queue: string): Transient {
  return weighted(TRANSIENT[queue] ?? GENERIC_TRANSIENT);
}

const basename = (name: unknown) =>
  String(name ?? "")
    .split("/")
    .pop() ?? "";

function documentPoison(m: Record<string, unknown>): (() => Error) | null {
  const file = String(m.filename ?? "");
  if (file.endsWith(".pages")) {
    return () =>
      new PermanentError("bad input: unsupported file type .pages (expected pdf, docx or pptx)");
  }
  if (file.endsWith(".pdf") && unitHash(String(m.job_id), "pdf") < 0.006) {
    return () =>
      failure("PDFSyntaxError", "xref table not found", [
        frame("document", "PdfReader.readXref", "pdf/reader.ts", 240),
        frame("document", "processDocument", "worker.ts", 33),
      ]);
  }
  return null;
}

function audioPoison(m: Record<string, unknown>): (() => Error) | null {
  const seconds = Number(m.duration_s);
  if (seconds > 4 * 3600) {
    const text = `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
    return () =>
      failure(
        "ValueError",
        `audio too long: ${text} exceeds the 4h limit (${basename(m.filename)})`,
        [
          frame("audio", "validateInput", "validate.ts", 18),
          frame("audio", "processAudio", "worker.ts", 22),
        ],
      );
  }
  if (unitHash(String(m.job_id), "audio") < 0.004) {
    return () =>
      failure("ValueError", `no audio stream found in ${basename(m.filename)}`, [
        frame("audio", "probe", "ffprobe.ts", 57),
        frame("audio", "processAudio", "worker.ts", 25),
      ]);
  }
  return null;
}

function videoPoison(m: Record<string, unknown>): (() => Error) | null {
  if (m.codec === "h265") {
    return () =>
      failure("ValueError", `unsupported codec h265 in ${basename(m.filename)}`, [
        frame("video", "selectDecoder", "codecs.ts", 29),
        frame("video", "processVideo", "worker.ts", 47),
      ]);
  }
  if (unitHash(String(m.job_id), "video") < 0.004) {
    return () =>
      failure("InvalidDataError", "moov atom not found: truncated upload", [
        frame("video", "probe", "ffprobe.ts", 57),
        frame("video", "processVideo", "worker.ts", 44),
      ]);
  }
  return null;
}

function graphPoison(m: Record<string, unknown>): (() => Error) | null {
  if (Array.isArray(m.doc_ids) && m.doc_ids.length === 0) {
    return () => new PermanentError("bad input: doc_ids is empty");
  }
  if (unitHash(String(m.job_id), "graph") < 0.004) {
    const doc = Array.isArray(m.doc_ids) ? String(m.doc_ids[0]) : "?";
    return () =>
      failure("KeyError", `'entities' (document ${doc} has no extraction result)`, [
        frame("graph", "mergeEntities", "merge.ts", 92),
        frame("graph", "buildGraph", "worker.ts", 51),
      ]);
  }
  return null;
}

const POISON: Record<string, (m: Record<string, unknown>) => (() => Error) | null> = {
  document: documentPoison,
  audio: audioPoison,
  video: videoPoison,
  graph: graphPoison,
};

/**
 * The error this message fails with on every attempt, or null. A message
 * that is not JSON (a foreign entry requeued from a DLQ) is bad input.
 */
export function poisonOf(
  queue: string,
  json: Record<string, unknown> | null,
): (() => Error) | null {
  if (json === null) return () => new PermanentError("bad input: message is not a JSON object");
  return POISON[queue]?.(json) ?? null;
}
