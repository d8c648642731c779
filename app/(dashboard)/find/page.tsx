import { FindView } from "@/components/find/FindView";
import type { FindQuery } from "@/components/find/data";

type Params = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

/** `/find?job_id=…` (or `?field=…&value=…`, and `&queue=…`): a search a link can start. */
function queryOf(params: Params): FindQuery | null {
  const jobId = one(params.job_id);
  const field = jobId !== undefined ? "job_id" : one(params.field);
  const value = jobId ?? one(params.value);
  if (!field || !value) return null;
  return { field, value, queue: one(params.queue) };
}

export default async function FindPage({ searchParams }: { searchParams: Promise<Params> }) {
  return <FindView initial={queryOf(await searchParams)} />;
}
