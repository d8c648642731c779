import { type Command, Option } from "commander";
import type { z } from "zod";
import type { RetryNowBody } from "../../../lib/http/schemas";
import type {
  ErrorGroupsResponse,
  RetryNowResponse,
  RetryPageResponse,
} from "../../../lib/http/types";
import { CliError } from "../client";
import { type Cli, connect, nothingMoved, queuePath, when, wholeNumber } from "../context";
import { print, table } from "../output";

/** `redrive errors` and `redrive retry list | now`: what failed, and what waits to run again. */
export function queueCommands(program: Command): void {
  program
    .command("errors <queue>")
    .description("a DLQ's error groups, largest first")
    .action(async (queue: string, _opts, cmd: Command) => {
      const { api, o } = connect(cmd);
      const found = await api.get<ErrorGroupsResponse>(queuePath("errors", queue));
      print(o, found, (f) =>
        table(
          ["group", "count", "type", "pattern", "last seen"],
          f.groups.map((g) => [
            g.id,
            g.count,
            g.errorType,
            g.pattern.slice(0, 80),
            when(g.lastSeen),
          ]),
          `from ${f.scanned} of ${f.total} dead letters`,
        ),
      );
    });
  const retry = program.command("retry").description("scheduled retries");
  retryListCommand(retry);
  retryNowCommand(retry);
}

function retryListCommand(retry: Command): void {
  retry
    .command("list <queue>")
    .description("a page of the queue's scheduled retries, soonest first (rank 0 is the next)")
    .addOption(new Option("--limit <n>", "retries on the page (1 to 200)").default("50"))
    .addOption(new Option("--offset <n>", "retries to skip").default("0"))
    .action(async (queue: string, opts: { limit: string; offset: string }, cmd: Command) => {
      const { api, o } = connect(cmd);
      const page = await api.get<RetryPageResponse>(queuePath("retry", queue), opts);
      print(o, page, (p) =>
        table(
          ["rank", "identity", "due", "retries", "bytes"],
          p.retries.map((r) => [r.rank, r.identity, when(r.due), r.retryCount, r.bytes]),
          `${p.retries.length} of ${p.total} scheduled retries`,
        ),
      );
    });
}

function retryNowCommand(retry: Command): void {
  retry
    .command("now <queue> [rank]")
    .description("run the queue's scheduled retries now (every one, or the one at rank)")
    .action(async (queue: string, rank: string | undefined, _opts, cmd: Command) => {
      const cli = connect(cmd);
      const body = rank === undefined ? { all: true as const } : await oneRetry(cli, queue, rank);
      const result = await cli.api.post<RetryNowResponse>(
        queuePath("retry", queue, "now"),
        body satisfies z.input<typeof RetryNowBody>,
      );
      print(
        cli.o,
        result,
        (r) => `${r.moved} scheduled retries of ${queue} moved to its work queue`,
      );
      if (result.moved === 0) nothingMoved("no retry was scheduled");
    });
}

/** The retry listed at `rank` now, named by its identity as the UI names it. */
async function oneRetry(cli: Cli, queue: string, rankText: string) {
  const rank = wholeNumber(rankText, "rank");
  const page = await cli.api.get<RetryPageResponse>(queuePath("retry", queue), {
    offset: rank,
    limit: 1,
  });
  const found = page.retries[0];
  if (!found) throw new CliError(`${queue} has no scheduled retry at rank ${rank}`, 3);
  return { identity: found.identity, rank };
}
