import { randomUUID } from "node:crypto";
import { logNormal, pick, randomInt, weighted, Zipf } from "./random";

/**
 * Messages as the four pipelines' producers write them: a job id, the file,
 * who uploaded it, sizes. A few carry what makes them fail every time (a
 * codec nobody supports, an empty document list), as real poison messages do.
 */
export type Payload = Record<string, unknown> & { job_id: string; retry_count: number };

/** Uploaders: a few heavy users, a long tail of occasional ones. */
const uploaders = new Zipf(2000, 1.1);
const userId = () => 10_000 + uploaders.next();

const COMPANIES = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"];
const TOPICS = ["pricing", "security", "onboarding", "roadmap", "compliance", "retention"];
const DOC_EXT: readonly (readonly [number, string])[] = [
  [80, "pdf"],
  [12, "docx"],
  [7, "pptx"],
  [1, "pages"],
];

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const year = () => pick([2024, 2025, 2026]);
const isoDay = () => `${year()}-${pad(randomInt(1, 12), 2)}-${pad(randomInt(1, 28), 2)}`;

function documentName(ext: string): string {
  return (
    weighted<() => string>([
      [4, () => `reports/q${randomInt(1, 4)}-${year()}`],
      [3, () => `invoices/INV-${pad(randomInt(1, 99_999), 5)}`],
      [2, () => `contracts/${pick(COMPANIES)}-msa-v${randomInt(1, 7)}`],
      [2, () => `scans/scan_${pad(randomInt(1, 9999), 4)}`],
      [1, () => `research/${pick(TOPICS)}-whitepaper`],
    ])() + `.${ext}`
  );
}

function documentPayload(jobId: string, uid: number): Record<string, unknown> {
  const ext = weighted(DOC_EXT);
  const filename = documentName(ext);
  const pages = Math.max(1, Math.round(logNormal(8, 0.9)));
  return {
    filename,
    user_id: uid,
    size_bytes: Math.round(pages * logNormal(90_000, 0.6)),
    pages,
    gcs_path: `gs://acme-uploads/${uid}/${jobId}/${filename.split("/").pop()}`,
  };
}

function audioPayload(jobId: string, uid: number): Record<string, unknown> {
  const [filename, median] = weighted<() => [string, number]>([
    [5, () => [`calls/${isoDay()}/call_${randomInt(10_000, 99_999)}.wav`, 420]],
    [2, () => [`podcasts/ep-${randomInt(1, 240)}-final.mp3`, 2700]],
    [3, () => [`voicemail/vm_${randomInt(1000, 9999)}.m4a`, 45]],
  ])();
  // Rare recordings run for hours (a meeting left on): longer than the 4 h limit.
  const duration = Math.random() < 0.004 ? randomInt(14_500, 30_000) : logNormal(median, 0.7);
  return {
    filename,
    user_id: uid,
    duration_s: Math.round(duration),
    sample_rate: pick([16_000, 44_100, 48_000]),
    channels: pick([1, 1, 2]),
    language: weighted([
      [70, "en"],
      [10, "de"],
      [10, "es"],
      [10, "fr"],
    ]),
    gcs_path: `gs://acme-audio/${uid}/${jobId}.bin`,
  };
}

/** Phone uploads (.mov) are sometimes HEVC, which the transcoder cannot decode; the rest never. */
function videoCodec(filename: string): string {
  if (filename.endsWith(".mov")) return Math.random() < 0.05 ? "h265" : "h264";
  return weighted([
    [80, "h264"],
    [20, "vp9"],
  ]);
}

function videoPayload(_jobId: string, uid: number): Record<string, unknown> {
  const filename = weighted<() => string>([
    [5, () => `uploads/clip_${randomInt(1000, 9999)}.mov`],
    [3, () => `webinars/${isoDay().slice(0, 7)}-${pick(TOPICS)}.mp4`],
    [2, () => `ads/${pick(COMPANIES)}-spring-${pick([15, 30, 60])}s.webm`],
  ])();
  const duration = Math.round(logNormal(90, 0.9));
  return {
    filename,
    user_id: uid,
    codec: videoCodec(filename),
    resolution: pick(["1920x1080", "1280x720", "3840x2160", "1080x1920"]),
    duration_s: duration,
    size_bytes: Math.round(duration * logNormal(600_000, 0.5)),
  };
}

function graphPayload(_jobId: string, uid: number): Record<string, unknown> {
  // Now and then a client sends an empty selection: bad input that no retry fixes.
  const n = Math.random() < 0.006 ? 0 : Math.max(1, Math.round(logNormal(6, 0.8)));
  const graphId = `kg-${pick(COMPANIES)}-${randomInt(1, 40)}`;
  return {
    filename: `graphs/${graphId}/build-${randomInt(1000, 9999)}.json`,
    graph_id: graphId,
    doc_ids: Array.from({ length: Math.min(n, 40) }, () => randomInt(1, 20_000)),
    user_id: uid,
    mode: weighted([
      [8, "incremental"],
      [2, "full"],
    ]),
  };
}

const BUILDERS: Record<string, (jobId: string, uid: number) => Record<string, unknown>> = {
  document: documentPayload,
  audio: audioPayload,
  video: videoPayload,
  graph: graphPayload,
};

function genericPayload(jobId: string, uid: number): Record<string, unknown> {
  return { filename: `inbox/${jobId.slice(0, 8)}.bin`, user_id: uid };
}

/** A new message for `queue` (a queue the demo does not know gets a generic one). */
export function makePayload(queue: string): Payload {
  const jobId = randomUUID();
  const build = BUILDERS[queue] ?? genericPayload;
  return {
    job_id: jobId,
    ...build(jobId, userId()),
    submitted_at: new Date().toISOString(),
    retry_count: 0,
  };
}
