import { type Command, Option } from "commander";
import type { z } from "zod";
import type { TaskBody } from "../../../lib/http/schemas";
import type { RedriveTask, TaskResponse, TaskStartedResponse } from "../../../lib/http/types";
import { CliError } from "../client";
import { confirm } from "../confirm";
import { type Cli, connect, nothingMoved, queuePath, wholeNumber } from "../context";
import { print } from "../output";
import { describeTask, progressFor } from "../progress";

/**
 * `redrive dlq requeue-all | delete-all | task | cancel`: the tasks the worker
 * service runs over a whole DLQ, started here and, with --wait, followed
 * until they end. The exit code then says how it ended: 0 done, 3 nothing
 * moved or cancelled, 1 failed.
 */
export function dlqTaskCommands(dlq: Command): void {
  for (const kind of ["requeue", "delete"] as const) startCommand(dlq, kind);
  dlq
    .command("task <queue>")
    .description("the queue's current or last requeue-all / delete-all task")
    .option("--wait", "follow it until it ends")
    .action(async (queue: string, opts: { wait?: boolean }, cmd: Command) => {
      const cli = connect(cmd);
      const { task } = await cli.api.get<TaskResponse>(queuePath("dlq", queue, "tasks"));
      if (!task) throw new CliError(`${queue} has had no task`, 1);
      if (opts.wait) return follow(cli, task);
      print(cli.o, { task }, (r) => describeTask(r.task));
    });
  dlq
    .command("cancel <queue>")
    .description("stop the queue's running task after the batch in hand")
    .action(async (queue: string, _opts, cmd: Command) => {
      const cli = connect(cmd);
      const res = await cli.api.post<TaskStartedResponse>(queuePath("dlq", queue, "tasks/cancel"));
      print(cli.o, res, (r) => describeTask(r.task));
    });
}

function startCommand(dlq: Command, kind: "requeue" | "delete"): void {
  dlq
    .command(`${kind}-all <queue>`)
    .description(
      `${kind} every dead letter of the queue, run by the worker service (one task a queue at a time)`,
    )
    .addOption(new Option("--rate <n>", "messages a second; 0 as fast as it goes").default("0"))
    .option("--wait", "follow the task until it ends, with its progress")
    .action(async (queue: string, opts: { rate: string; wait?: boolean }, cmd: Command) => {
      const cli = connect(cmd);
      const ratePerSecond = wholeNumber(opts.rate, "--rate", 1_000_000);
      if (kind === "delete")
        await confirm(
          `Delete every dead letter of ${queue}? They cannot be brought back.`,
          cli.yes,
        );
      const { task } = await cli.api.post<TaskStartedResponse>(queuePath("dlq", queue, "tasks"), {
        kind,
        ratePerSecond,
      } satisfies z.input<typeof TaskBody>);
      if (opts.wait) return follow(cli, task);
      print(
        cli.o,
        { task },
        (r) => `${describeTask(r.task)}\nfollow it: redrive dlq task ${queue} --wait`,
      );
      if (task.total === 0) nothingMoved(`${queue}'s DLQ is empty`);
    });
}

const POLL_MS = 500;
const ENDED = new Set(["done", "cancelled", "failed"]);

/**
 * Polls the task until it ends, showing each change. Ctrl-C stops following,
 * not the task: it goes on in the worker service (`redrive dlq cancel` stops it).
 */
async function follow(cli: Cli, first: RedriveTask): Promise<void> {
  const progress = progressFor(cli.o.json);
  const stop = () => {
    progress.end();
    process.stderr.write(
      `Stopped following; the task goes on. Stop it with: redrive dlq cancel ${first.queue}\n`,
    );
    process.exit(130);
  };
  process.once("SIGINT", stop);
  let task = first;
  let last = "";
  try {
    for (;;) {
      const seen = JSON.stringify(task);
      if (seen !== last) progress.show(task);
      last = seen;
      if (ENDED.has(task.state)) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const now = await cli.api.get<TaskResponse>(queuePath("dlq", first.queue, "tasks"));
      if (!now.task || now.task.id !== first.id) throw new CliError("The task was replaced", 1);
      task = now.task;
    }
  } finally {
    process.off("SIGINT", stop);
    progress.end();
  }
  ended(cli, task);
}

function ended(cli: Cli, task: RedriveTask): void {
  if (!cli.o.json) cli.o.out(describeTask(task));
  if (task.state === "failed") throw new CliError(`the task failed: ${task.error}`, 1);
  if (task.state === "cancelled") nothingMoved(`the task was cancelled after ${task.moved}`);
  if (task.moved === 0) nothingMoved("nothing moved: the DLQ was empty");
}
