import { keysOf } from "../../lib/queues/context";
import { forRequeue } from "../../lib/queues/message";
import { retentionSeconds } from "../../lib/queues/producer";
import { check, median } from "../lib/check";
import { loadDlq } from "../lib/data";
import type { BenchServer } from "../lib/server";
import { target } from "../lib/summary";
import { printTable } from "../lib/table";
import { phase, QUEUE, seconds, type ScenarioResult, type Sizes } from "./shared";

/** c) Requeue one message at the head, middle and end of a DLQ. */

interface Position {
  label: string;
  index(len: number): number;
  samples: number[];
  pings: number[];
  longest: number[];
  indexes: number[];
}

async function requeueOne(
  b: BenchServer,
  sz: Sizes,
): Promise<{ positions: Position[]; setupMs: number }> {
  await b.flush();
  const { dlq, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  await loadDlq(b.redis, QUEUE, dlq, sz.dlq, retentionSeconds(b.config));
  const setupMs = performance.now() - t0;
  const positions: Position[] = [
    { label: `end (${sz.dlq - 1}, then len−1)`, index: (len: number) => len - 1 },
    { label: `middle (${sz.middle})`, index: () => sz.middle },
    { label: "head (0)", index: () => 0 },
  ].map((p) => ({ ...p, samples: [], pings: [], longest: [], indexes: [] }));
  for (let rep = 0; rep < sz.reps; rep++) {
    for (const pos of positions) {
      const len = await b.redis.llen(dlq);
      const index = pos.index(len);
      const [seen] = await b.engine.getDlqMessages(QUEUE, index, 1);
      check(seen !== undefined, `a message at index ${index}`);
      const p = await phase(b, () => b.engine.requeueFromDlq(QUEUE, index, seen!.identity));
      const pushed = await b.redis.lindexBuffer(work, 0);
      check(
        pushed !== null && pushed.equals(forRequeue(Buffer.from(seen!.raw))),
        `the message seen at ${index} is the one requeued`,
      );
      check((await b.redis.llen(dlq)) === len - 1, "the DLQ lost exactly that message");
      pos.samples.push(p.ms);
      pos.pings.push(p.ping.worstMs);
      pos.longest.push(p.cpu.longestCommandMs);
      pos.indexes.push(index);
    }
  }
  return { positions, setupMs };
}

export async function scenarioRequeueOne(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const one = await requeueOne(b, sz);
  printTable(
    `c) Requeue one message of a ${sz.dlq}-entry DLQ (requeueFromDlq, ${sz.reps} runs each, fresh messages; setup ${seconds(one.setupMs).toFixed(1)} s untimed)`,
    ["position", "indexes", "median ms", "max ms", "all ms", "PING worst ms", "longest cmd ms"],
    one.positions.map((p) => [
      p.label,
      `${p.indexes[0]}…${p.indexes[p.indexes.length - 1]}`,
      median(p.samples),
      Math.max(...p.samples),
      p.samples.map((s) => s.toFixed(1)).join(" "),
      Math.max(...p.pings),
      Math.max(...p.longest),
    ]),
  );
  return {
    targets: one.positions.map((p) =>
      target(
        `requeueOne.${p.label.split(" ")[0]}`,
        `c) requeue one at ${p.label}: max of ${sz.reps}`,
        Math.max(...p.samples),
        "<=",
        25,
        "ms",
      ),
    ),
    results: {
      requeueOne: Object.fromEntries(
        one.positions.map((p) => [
          p.label.split(" ")[0],
          {
            indexes: p.indexes,
            ms: p.samples,
            medianMs: median(p.samples),
            maxMs: Math.max(...p.samples),
            pingWorstMs: Math.max(...p.pings),
            longestRedisCommandMs: Math.max(...p.longest),
          },
        ]),
      ),
    },
  };
}
