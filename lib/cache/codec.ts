import { gunzipSync, gzipSync } from "node:zlib";

/**
 * How cached values are stored: JSON text, as the Python backend writes
 * (json.dumps). Above a size threshold the JSON is gzip-compressed (one of the Python backend's cache tips);
 * gzip's magic bytes (1f 8b) can never start JSON text, so a reader tells the two
 * apart without a flag, and values written by a writer that does not compress
 * read back as they are.
 */
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function encodeValue(value: unknown, compressAbove: number): Buffer {
  const json = Buffer.from(JSON.stringify(value));
  if (json.length <= compressAbove) return json;
  const gz = gzipSync(json, { level: 1 });
  // Incompressible data stays plain: smaller wins.
  return gz.length < json.length ? gz : json;
}

export function isCompressed(buf: Buffer): boolean {
  return buf.length > 2 && buf[0] === GZIP_MAGIC_0 && buf[1] === GZIP_MAGIC_1;
}

/** Parses a stored value; throws on bytes that are neither JSON nor gzip'd JSON. */
export function decodeValue(buf: Buffer): unknown {
  const json = isCompressed(buf) ? gunzipSync(buf) : buf;
  return JSON.parse(json.toString("utf8")) as unknown;
}
