import type { ChainableCommander } from "ioredis";

/** Runs a pipeline or MULTI and returns its replies, throwing the first error. */
export async function execAll(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = await pipeline.exec();
  if (!results) throw new Error("transaction aborted");
  return results.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
