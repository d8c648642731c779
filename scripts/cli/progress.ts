import type { RedriveTask } from "../../lib/http/types";

/**
 * How a followed task shows its progress: a line redrawn in place on a
 * terminal (on stderr, so stdout keeps only the result); a JSON line per
 * change with `--json`; otherwise, in a log or CI output, a plain line per
 * change, at most one a second.
 */
export interface Progress {
  show(task: RedriveTask): void;
  end(): void;
}

const PLAIN_EVERY_MS = 1_000;

export function describeTask(t: RedriveTask): string {
  const share = t.total > 0 ? ` (${Math.floor((100 * t.moved) / t.total)}%)` : "";
  const rate = t.rate > 0 ? ` at ${t.rate} msg/s` : "";
  const why = t.error ? `: ${t.error}` : "";
  return `${t.kind} all ${t.queue}: ${t.moved} of ${t.total}${share}${rate}, ${t.state}${why}`;
}

export function progressFor(json: boolean): Progress {
  if (json)
    return { show: (task) => process.stdout.write(`${JSON.stringify({ task })}\n`), end() {} };
  if (process.stderr.isTTY && process.env.TERM !== "dumb") {
    let drawn = false;
    return {
      show(task) {
        // \r and "erase to the end of the line": the same line, redrawn.
        process.stderr.write(`\r\x1b[K${describeTask(task)}`);
        drawn = true;
      },
      end: () => drawn && process.stderr.write("\n"),
    };
  }
  let shownAt = 0;
  return {
    show(task) {
      const final = !["pending", "running", "cancelling"].includes(task.state);
      if (!final && Date.now() - shownAt < PLAIN_EVERY_MS) return;
      shownAt = Date.now();
      process.stderr.write(`${describeTask(task)}\n`);
    },
    end() {},
  };
}
