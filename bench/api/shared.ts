/** What the API benchmark's files share: the queues, the sizes and the paths each system serves. */

export const QUEUES = ["document", "audio", "video", "graph"];
/** Scenario 1's DLQ (100 000), the growth scenario's small (10 000) and large (1 000 000) ones. */
export const PAGE_QUEUE = "document";
export const SMALL_QUEUE = "audio";
export const LARGE_QUEUE = "video";
export const CONNECTIONS = 10;
export const PAGE = 50;
export const FAIL_REASON = "GCS download timed out after 30 s";

export interface Sizes {
  page: number;
  small: number;
  large: number;
  deepOffset: number;
}

export function sizes(scale: number): Sizes {
  const s = (n: number) => Math.max(PAGE * 2, Math.round(n * scale));
  return { page: s(100_000), small: s(10_000), large: s(1_000_000), deepOffset: s(500_000) };
}

export const seconds = (ms: number) => ms / 1000;

export const dlqPagePath = (queue: string, offset: number) =>
  `/api/admin/dlq/${queue}?offset=${offset}&limit=${PAGE}`;
export const bullPagePath = (board: string) =>
  `/${board}/api/queues?activeQueue=${PAGE_QUEUE}&status=failed&page=1&jobsPerPage=${PAGE}`;
export const BULL_COUNTS_PATH = "/all/api/queues";
