import type { DlqMessage, DlqPageResponse } from "../../../lib/http/types";
import type { ApiClient } from "../client";
import { queuePath } from "../context";

/** The most messages one list page holds (the list route's bound). */
const PAGE = 200;
/**
 * Indexes at most this far apart share a page: reading the ones between costs
 * less than another request, while two far apart would read up to a page of
 * entries (each up to 64 KB) to learn two identities.
 */
const GAP = 16;

/**
 * The dead letters now at `indexes` (0 the newest), as a list page shows them:
 * what names them to the API is their identity, read here, as the UI reads it
 * from the page the admin saw. Consecutive indexes share a page. An index past
 * the end is absent from the answer.
 */
export async function messagesAt(
  api: ApiClient,
  queue: string,
  indexes: number[],
): Promise<Map<number, DlqMessage>> {
  const asked = new Set(indexes);
  const wanted = [...asked].sort((a, b) => a - b);
  const found = new Map<number, DlqMessage>();
  let i = 0;
  while (i < wanted.length) {
    const offset = wanted[i]!;
    let last = i;
    while (
      last + 1 < wanted.length &&
      wanted[last + 1]! < offset + PAGE &&
      wanted[last + 1]! - wanted[last]! <= GAP
    )
      last += 1;
    const page = await api.get<DlqPageResponse>(queuePath("dlq", queue), {
      offset,
      limit: wanted[last]! - offset + 1,
    });
    for (const m of page.messages) if (asked.has(m.index)) found.set(m.index, m);
    i = last + 1;
  }
  return found;
}
