import type { Command } from "commander";
import type { z } from "zod";
import type { PurgeBody, Selection } from "../../../lib/http/schemas";
import type { PurgeResponse, RequeueResponse } from "../../../lib/http/types";
import { CliError } from "../client";
import { confirm } from "../confirm";
import { type Cli, connect, nothingMoved, queuePath, when, wholeNumber } from "../context";
import { print, table } from "../output";
import { messagesAt } from "./lookup";

type Picked = z.input<typeof Selection>["messages"];

/** The most messages one request names (the selection routes' bound). */
const SELECTION_MAX = 1000;

/** `redrive dlq requeue | delete | purge`: changes to a DLQ, for admins. */
export function dlqMoveCommands(dlq: Command): void {
  for (const mode of ["requeue", "delete"] as const) moveCommand(dlq, mode);
  purgeCommand(dlq);
}

function moveCommand(dlq: Command, mode: "requeue" | "delete"): void {
  const doing = mode === "requeue" ? "to its work queue" : "for good";
  const command = dlq
    .command(`${mode} <queue> [index...]`)
    .summary(`${mode} the dead letters at these indexes (from \`dlq list\`)`)
    .description(
      `${mode === "requeue" ? "Requeues" : "Deletes"} the dead letters at these indexes ${doing}. ` +
        "Each is named by its identity, read now at its index (or given with --identity): one " +
        "that moved since is still found, and one that is gone is reported, never replaced by another.",
    )
    .option(
      "--identity <id...>",
      "identities from `dlq list --json` instead of reading them at the indexes now",
    );
  if (mode === "requeue") requeueOptions(command);
  command.action(
    async (
      queue: string,
      indexes: string[],
      opts: { identity?: string[]; later?: string; to?: string; set?: string; unset?: string },
      cmd: Command,
    ) => {
      const cli = connect(cmd);
      const at = opts.later === undefined ? undefined : dueAt(opts.later);
      const edit = fieldEdit(opts.set, opts.unset);
      const picked = await pick(cli, queue, indexes, opts.identity ?? []);
      if (mode === "delete") {
        const shown = table(
          ["index", "identity"],
          picked.map((p) => [p.index ?? null, p.identity]),
        );
        await confirm(`Delete these ${picked.length} dead letters of ${queue}?`, cli.yes, shown);
      }
      const result = await cli.api.post<RequeueResponse>(queuePath("dlq", queue, mode), {
        messages: picked,
        at,
        to: opts.to,
        edit,
      } satisfies z.input<typeof Selection>);
      reportMoved(cli, mode, queue, result, at, opts.to);
    },
  );
}

/** Requeue's own options: later, elsewhere, with one field edited. */
function requeueOptions(command: Command): void {
  command
    .option(
      "--later <when>",
      "into the retry set instead, due in 90m, 2h, 1d or at an ISO 8601 time (at most 30 days)",
    )
    .option("--to <queue>", "to another configured queue (route elsewhere)")
    .option("--set <path=json>", "set one field in each first, e.g. options.language='\"de\"'")
    .option("--unset <path>", "remove one field from each first, e.g. options.debug");
}

const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400 } as const;

/** `90m`, `2h`, `1d` from now, or an ISO 8601 time, as epoch seconds. */
function dueAt(when: string): number {
  const relative = /^(\d{1,5})([mhd])$/.exec(when);
  if (relative) {
    const unit = relative[2] as keyof typeof UNIT_SECONDS;
    return Math.floor(Date.now() / 1000) + Number(relative[1]) * UNIT_SECONDS[unit];
  }
  const ms = /^\d{4}-\d\d-\d\dT/.test(when) ? Date.parse(when) : NaN;
  if (Number.isNaN(ms))
    throw new CliError(`--later takes 90m, 2h, 1d or an ISO 8601 time, not ${when}`, 2);
  return Math.floor(ms / 1000);
}

/** `--set a.b=<json>` or `--unset a.b` as the API's edit (keys split at dots). */
function fieldEdit(set: string | undefined, unset: string | undefined) {
  if (set !== undefined && unset !== undefined)
    throw new CliError("Give --set or --unset, not both", 2);
  if (unset !== undefined) return { path: unset.split("."), remove: true as const };
  if (set === undefined) return undefined;
  const at = set.indexOf("=");
  if (at <= 0) throw new CliError("--set takes path=json, such as language='\"de\"'", 2);
  const value = set.slice(at + 1);
  try {
    JSON.parse(value);
  } catch {
    throw new CliError(`--set's value must be JSON (text in double quotes), not ${value}`, 2);
  }
  return { path: set.slice(0, at).split("."), set: value };
}

/** The messages named: identities given, else read at the indexes now. */
async function pick(cli: Cli, queue: string, indexes: string[], ids: string[]): Promise<Picked> {
  const numbers = indexes.map((i) => wholeNumber(i, "index"));
  if (Math.max(numbers.length, ids.length) > SELECTION_MAX)
    throw new CliError(
      `At most ${SELECTION_MAX} messages at a time (requeue-all moves them all)`,
      2,
    );
  if (ids.length > 0) {
    if (numbers.length > 0 && numbers.length !== ids.length)
      throw new CliError("Give one index per --identity, or identities alone", 2);
    return ids.map((identity, i) => ({ identity, index: numbers[i] }));
  }
  if (numbers.length === 0) throw new CliError("Name at least one index or --identity", 2);
  const found = await messagesAt(cli.api, queue, numbers);
  const absent = numbers.filter((n) => !found.has(n));
  if (absent.length > 0)
    throw new CliError(`${queue}'s DLQ has no message at index ${absent.join(", ")}`, 3);
  return [...found.values()].map((m) => ({ identity: m.identity, index: m.index }));
}

function reportMoved(
  cli: Cli,
  mode: string,
  queue: string,
  result: RequeueResponse,
  at?: number,
  to?: string,
): void {
  const done = mode === "requeue" ? "requeued" : "deleted";
  const where = to === undefined ? "" : ` to ${to}`;
  const retrySet = to === undefined ? " to the retry set" : " (its retry set)";
  const later = at === undefined ? "" : `${retrySet}, due ${when(at)}`;
  print(cli.o, result, (r) =>
    [
      `${done} ${r.moved.length} of ${queue}'s dead letters${where}${later}`,
      ...r.missing.map((id) => `no longer in the DLQ: ${id}`),
      ...(r.skipped ?? []).map((id) => `left in the DLQ, the edit does not apply: ${id}`),
    ].join("\n"),
  );
  if (result.moved.length === 0) nothingMoved(`nothing ${done}: none was still in the DLQ`);
}

/** `7d`, `12h`, `30m` or a number of days, as days. */
function days(text: string): number {
  const match = /^(\d{1,6}(?:\.\d{1,6})?)([dhm]?)$/.exec(text);
  if (!match) throw new CliError(`--older-than takes 7d, 12h, 30m or days, not ${text}`, 2);
  const per = { "": 1, d: 1, h: 24, m: 1440 }[match[2]!]!;
  return Number(match[1]) / per;
}

function purgeCommand(dlq: Command): void {
  dlq
    .command("purge <queue>")
    .description("delete the dead letters that failed longer ago than --older-than")
    .requiredOption("--older-than <age>", "7d, 12h, 30m, or a number of days")
    .action(async (queue: string, opts: { olderThan: string }, cmd: Command) => {
      const cli = connect(cmd);
      const olderThanDays = days(opts.olderThan);
      await confirm(
        `Delete every dead letter of ${queue} that failed more than ${opts.olderThan} ago?`,
        cli.yes,
      );
      const result = await cli.api.post<PurgeResponse>(queuePath("dlq", queue, "purge"), {
        olderThanDays,
      } satisfies z.input<typeof PurgeBody>);
      print(cli.o, result, (r) => `purged ${r.purged} of ${queue}'s dead letters`);
      if (result.purged === 0) nothingMoved("nothing was that old");
    });
}
