import { type Command, Option } from "commander";
import type {
  DlqMessage,
  DlqMessageResponse,
  DlqPageResponse,
  DlqStatsResponse,
} from "../../../lib/http/types";
import { CliError } from "../client";
import { connect, queuePath, when, wholeNumber } from "../context";
import { bold, print, table } from "../output";
import { messagesAt } from "./lookup";

/** `redrive dlq stats | list | show`: reading dead letters, for viewers and admins. */
export function dlqReadCommands(dlq: Command): void {
  statsCommand(dlq);
  listCommand(dlq);
  showCommand(dlq);
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

const errorOf = (m: DlqMessage) =>
  m.errorType || m.errorMessage ? `${m.errorType ?? ""}: ${m.errorMessage ?? ""}` : "";

function listCommand(dlq: Command): void {
  dlq
    .command("list <queue>")
    .description("a page of a queue's dead letters, newest first (index 0 is the newest)")
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
        const page = await api.get<DlqPageResponse>(queuePath("dlq", queue), {
          q: opts.filter,
          limit: opts.limit,
          offset: opts.offset,
        });
        print(o, page, (p) =>
          table(
            ["index", "identity", "failed at", "retries", "error"],
            p.messages.map((m) => [
              m.index,
              m.identity,
              when(m.failedAt),
              m.retryCount,
              errorOf(m).slice(0, 80),
            ]),
            pageFooter(p),
          ),
        );
      },
    );
}

function showCommand(dlq: Command): void {
  dlq
    .command("show <queue> <index>")
    .description("one dead letter whole: its error, stack, metadata and message")
    .option("--identity <id>", "the message's identity from `dlq list` (else read at the index)")
    .option("--raw", "only the entry's text, for piping to other tools (invalid UTF-8 as U+FFFD)")
    .action(
      async (
        queue: string,
        indexText: string,
        opts: { identity?: string; raw?: boolean },
        cmd: Command,
      ) => {
        const { api, o } = connect(cmd);
        if (opts.raw && o.json) throw new CliError("--raw and --json: choose one", 2);
        const index = wholeNumber(indexText, "index");
        const identity =
          opts.identity ?? (await messagesAt(api, queue, [index])).get(index)?.identity;
        if (!identity) throw new CliError(`${queue}'s DLQ has no message at index ${index}`, 1);
        const found = await api.get<DlqMessageResponse>(
          queuePath("dlq", queue, "message", String(index)),
          { identity },
        );
        if (opts.raw) o.out(found.message.raw);
        else print(o, found, (f) => describe(f.message));
      },
    );
}

/** How much the page showed, and with a filter whether its bounded scan went on to the end. */
function pageFooter(p: DlqPageResponse): string {
  const f = p.filter;
  if (!f) return `${p.messages.length} of ${p.total} dead letters`;
  const matched = `${p.messages.length} matching "${f.q}" among ${f.scanned} scanned of ${p.total}`;
  if (f.nextOffset === null) return `${matched}; the scan reached the end`;
  // A full page, or the scan's entry or byte bound: the rest is not scanned yet.
  return `${matched}; more may match: go on with --offset ${f.nextOffset}`;
}

/** A dead letter for people: the facts, then the error's stack, then the message. */
function describe(m: DlqMessage): string {
  const facts: [string, string | number | null][] = [
    ["index", m.index],
    ["identity", m.identity],
    ["job id", m.jobId],
    ["failed at", when(m.failedAt)],
    ["retries", m.retryCount],
    ["from queue", m.originalQueue],
    ["size", `${m.bytes} bytes`],
    ["error", errorOf(m) || null],
  ];
  const lines = facts.map(([k, v]) => `${bold(k.padEnd(10))}  ${v ?? "—"}`);
  if (m.errorStack) lines.push("", bold("stack"), m.errorStack);
  if (m.metadata) lines.push("", bold("metadata"), JSON.stringify(m.metadata, null, 2));
  lines.push("", bold("message"), readable(m));
  return lines.join("\n");
}

/**
 * The message indented when it is JSON and indenting loses nothing: a number
 * of 16 digits or more may not survive JSON.parse, so such an entry is shown
 * exactly as stored.
 */
function readable(m: DlqMessage): string {
  if (!m.isJson || m.payload === null || /\d{16}/.test(m.raw)) return m.raw;
  return JSON.stringify(m.payload, null, 2);
}
