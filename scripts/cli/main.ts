import { Command, CommanderError, Option } from "commander";
import type { DlqPageResponse, DlqStatsResponse, ErrorGroupsResponse } from "../../lib/http/types";
import { ApiClient, CliError } from "./client";
import { print, table, type Output } from "./output";

/**
 * `redrive` — the admin API from a shell, with an API token: what cron jobs,
 * runbooks and CI checks do every day. `redrive --help` lists the commands.
 * Exit codes: 0 done, 1 an error, 2 a usage error, 3 a conflict or nothing moved.
 */
interface Globals {
  url?: string;
  token?: string;
  json?: boolean;
}

function connect(cmd: Command): { api: ApiClient; o: Output } {
  const g = cmd.optsWithGlobals<Globals>();
  if (!g.url) throw new CliError("Set REDRIVE_URL or --url (the dashboard's address)", 2);
  if (!g.token) throw new CliError("Set REDRIVE_TOKEN or --token (an API token)", 2);
  const o = { json: g.json === true, out: (text: string) => process.stdout.write(`${text}\n`) };
  return { api: new ApiClient({ url: g.url, token: g.token }), o };
}

const when = (epoch: number | null) =>
  epoch === null ? null : new Date(epoch * 1000).toISOString();

function dlqCommands(program: Command): void {
  const dlq = program.command("dlq").description("dead-letter queues");
  statsCommand(dlq);
  listCommand(dlq);
}

function statsCommand(dlq: Command): void {
  dlq
    .command("stats")
    .description("every queue's lengths: work, processing, retry, due retries, DLQ")
    .action(async (_opts, cmd: Command) => {
      const { api, o } = connect(cmd);
      const stats = await api.get<DlqStatsResponse>("/api/admin/dlq/stats");
      print(o, stats, (s) =>
        table(
          ["queue", "work", "processing", "retry", "due", "dlq", "oldest dead letter"],
          s.queues.map((q) => [
            q.queue,
            q.work,
            q.processing,
            q.retry,
            q.retryDue,
            q.dlq,
            when(q.oldestDlqAt),
          ]),
        ),
      );
    });
}

function listCommand(dlq: Command): void {
  dlq
    .command("list <queue>")
    .description("a page of a queue's dead letters, newest first")
    .option("--filter <text>", "only the messages containing this text (a bounded scan)")
    .addOption(new Option("--limit <n>", "messages on the page (1 to 200)").default("50"))
    .addOption(new Option("--offset <n>", "messages to skip from the newest").default("0"))
    .action(
      async (
        queue: string,
        opts: { filter?: string; limit: string; offset: string },
        cmd: Command,
      ) => {
        const { api, o } = connect(cmd);
        const page = await api.get<DlqPageResponse>(`/api/admin/dlq/${encodeURIComponent(queue)}`, {
          q: opts.filter,
          limit: opts.limit,
          offset: opts.offset,
        });
        print(o, page, (p) =>
          [
            table(
              ["index", "identity", "failed at", "retries", "error"],
              p.messages.map((m) => [
                m.index,
                m.identity,
                when(m.failedAt),
                m.retryCount,
                `${m.errorType ?? ""}: ${m.errorMessage ?? ""}`.slice(0, 80),
              ]),
            ),
            `${p.messages.length} of ${p.total} dead letters`,
          ].join("\n"),
        );
      },
    );
}

function errorCommands(program: Command): void {
  program
    .command("errors <queue>")
    .description("a DLQ's error groups, largest first")
    .action(async (queue: string, _opts, cmd: Command) => {
      const { api, o } = connect(cmd);
      const found = await api.get<ErrorGroupsResponse>(
        `/api/admin/errors/${encodeURIComponent(queue)}`,
      );
      print(o, found, (f) =>
        [
          table(
            ["group", "count", "type", "pattern"],
            f.groups.map((g) => [g.id, g.count, g.errorType, g.pattern.slice(0, 80)]),
          ),
          `from ${f.scanned} of ${f.total} dead letters`,
        ].join("\n"),
      );
    });
}

export function program(): Command {
  const p = new Command("redrive")
    .description("Redrive's admin API from the command line, with an API token.")
    .addOption(new Option("--url <url>", "the dashboard's address").env("REDRIVE_URL"))
    .addOption(new Option("--token <token>", "an API token (rdv_…)").env("REDRIVE_TOKEN"))
    .option("--json", "one JSON document for programs instead of a table")
    .exitOverride()
    .showHelpAfterError();
  dlqCommands(p);
  errorCommands(p);
  return p;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`redrive: ${message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
