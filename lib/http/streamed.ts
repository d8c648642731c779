import type { RouteResult } from "./route";

/**
 * A streamed answer (an export): its lines are the response schema's objects,
 * made as they are sent, so there is no body value; route() sends the stream
 * with these headers instead.
 */
export function streamed<B>(
  stream: ReadableStream<Uint8Array>,
  headers: Record<string, string>,
): RouteResult<B> {
  return { body: undefined as unknown as B, stream, headers };
}
