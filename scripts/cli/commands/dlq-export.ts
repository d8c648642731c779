import { createWriteStream } from "node:fs";
import type { Command } from "commander";
import { CliError } from "../client";
import { connect, queuePath } from "../context";

/**
 * `redrive dlq export <queue>`: the DLQ (or a filter's matches, or an error
 * group) as JSON Lines, streamed to a file or stdout. The token's name must be
 * in the dashboard's REDRIVE_EXPORTERS (`token:<name>`); the export is audited.
 */
export function dlqExportCommand(dlq: Command): void {
  dlq
    .command("export <queue>")
    .summary("download dead letters as JSON Lines (exact bytes and metadata)")
    .description(
      "Writes the queue's dead letters, oldest first, one JSON object a line: the entry's exact " +
        "bytes and its metadata hash's fields. Streams, whatever the size. Needs a token named in " +
        "the dashboard's REDRIVE_EXPORTERS; REDRIVE_REDACT's fields come masked.",
    )
    .option("--filter <text>", "only the entries containing this text")
    .option("--group <id>", "only the entries of this error group (its id from `errors`)")
    .option("-o, --out <file>", "write to this file instead of stdout")
    .action(
      async (
        queue: string,
        opts: { filter?: string; group?: string; out?: string },
        cmd: Command,
      ) => {
        const cli = connect(cmd);
        if (opts.filter !== undefined && opts.group !== undefined)
          throw new CliError("Export a --filter or a --group, not both", 2);
        // Opened once the export is under way: a refusal leaves an existing file alone.
        const open = () => (opts.out ? createWriteStream(opts.out) : process.stdout);
        const query = { q: opts.filter, group: opts.group };
        const bytes = await cli.api.download(queuePath("dlq", queue, "export"), query, open);
        if (opts.out)
          process.stderr.write(`wrote ${bytes} bytes of ${queue}'s dead letters to ${opts.out}\n`);
      },
    );
}
