import { type Command, Option } from "commander";
import type { FindResponse, Found } from "../../../lib/http/types";
import { connect, nothingMoved, when } from "../context";
import { print, table } from "../output";

const WHERE = { work: "waiting", processing: "processing", retry: "retry", dlq: "dead" } as const;

/**
 * `redrive find <value>`: where the messages whose field holds the value are
 * now, over every place of every queue (or one), following the scan's steps
 * to its end. Exit 3 when nothing was found.
 */
export function findCommand(program: Command): void {
  program
    .command("find <value>")
    .description("where the messages whose field (job_id unless said) holds this value are now")
    .addOption(new Option("--field <name>", "the JSON field to match").default("job_id"))
    .option("--queue <queue>", "only this queue")
    .action(async (value: string, opts: { field: string; queue?: string }, cmd: Command) => {
      const { api, o } = connect(cmd);
      const found: Found[] = [];
      let scanned = 0;
      let cursor: string | undefined;
      do {
        const step = await api.get<FindResponse>("/api/admin/find", {
          field: opts.field,
          value,
          queue: opts.queue,
          cursor,
        });
        found.push(...step.found);
        scanned += step.scanned;
        cursor = step.next ?? undefined;
        if (cursor && step.at && !o.json)
          process.stderr.write(
            `… ${scanned} entries looked at, now in ${step.at.queue} ${step.at.place}\n`,
          );
      } while (cursor);
      print(o, { found, scanned }, () =>
        table(
          ["queue", "where", "index", "retries", "details"],
          found.map(row),
          `${found.length} found among ${scanned} entries`,
        ),
      );
      if (found.length === 0) nothingMoved(`no message has ${opts.field} = ${value}`);
    });
}

function row(f: Found): (string | number | null)[] {
  const view = f.dlq ?? f.entry;
  const details = f.dlq
    ? `${f.dlq.errorType ?? ""}: ${f.dlq.errorMessage ?? ""}`.slice(0, 80)
    : f.place === "retry" && f.entry
      ? `due ${when(f.entry.due)}`
      : null;
  return [f.queue, WHERE[f.place], f.index, view?.retryCount ?? null, details];
}
