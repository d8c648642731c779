import { API_BODY_MAX_BYTES } from "./front.mjs";
import { HttpError } from "./errors";

/**
 * Request bodies of the admin API: JSON only, bounded in bytes while they are
 * read. The front layer already refuses a body whose declared length is over
 * the limit; this stops one that says nothing or lies, and is the only bound
 * where the front layer does not run (next dev).
 */
export const JSON_BODY_MAX_BYTES = API_BODY_MAX_BYTES;

/** Whether a Content-Type header names JSON: the media type itself, parameters aside. */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const type = header.split(";", 1)[0]!.trim().toLowerCase();
  return type === "application/json";
}

/** Reads a body as UTF-8 text, refusing it (413) as soon as it passes `maxBytes`. */
export async function readBounded(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, "TOO_LARGE", `The body is larger than ${maxBytes} bytes`);
}

/** Parses a JSON body: 415 when it is not declared JSON, 413 when too large, 400 when malformed. */
export async function jsonBody(request: Request, maxBytes = JSON_BODY_MAX_BYTES): Promise<unknown> {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    throw new HttpError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "Send a JSON body (Content-Type: application/json)",
    );
  }
  const text = await readBounded(request, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "INVALID_JSON", "The body is not valid JSON");
  }
}

/**
 * Whether a body next-auth would parse as JSON (its test: the Content-Type
 * contains application/json) is not a JSON object: next-auth parses it
 * unguarded and reads fields of it, so such a body would be a 500 there.
 */
export async function notJsonObject(request: Request): Promise<boolean> {
  if (!request.headers.get("content-type")?.includes("application/json")) return false;
  try {
    const value = JSON.parse(await request.clone().text()) as unknown;
    return typeof value !== "object" || value === null || Array.isArray(value);
  } catch {
    return true;
  }
}
