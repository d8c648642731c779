import { Command, CommanderError, Option } from "commander";
import { CliError } from "./client";
import { adminCommands } from "./commands/admin";
import { dlqExportCommand } from "./commands/dlq-export";
import { dlqMoveCommands } from "./commands/dlq-move";
import { dlqReadCommands } from "./commands/dlq-read";
import { dlqTaskCommands } from "./commands/dlq-tasks";
import { findCommand } from "./commands/find";
import { queueCommands } from "./commands/queues";

/**
 * `redrive` — the admin API from a shell, with an API token: what cron jobs,
 * runbooks and CI checks do every day. `redrive --help` lists the commands.
 * Exit codes: 0 done, 1 an error, 2 a usage error (or a destructive command
 * without --yes and no terminal to ask), 3 a conflict or nothing moved.
 */
const EXAMPLES = `
Examples:
  export REDRIVE_URL=https://redrive.example.com REDRIVE_TOKEN=rdv_…
  redrive dlq stats
  redrive dlq list document --filter TimeoutError --limit 20
  redrive find 6b4c87a6
  redrive dlq requeue document 0 3 4
  redrive dlq requeue-all document --rate 100 --wait
  redrive dlq purge document --older-than 30d --yes
  redrive dlq stats --json | jq '.queues[] | select(.dlq > 0)'`;

const EXIT_CODES = `
Exit codes: 0 done, 1 error, 2 usage (or a destructive change without --yes
and no terminal to ask), 3 a conflict or nothing moved.`;

export function program(): Command {
  const p = new Command("redrive")
    .description("Redrive's admin API from the command line, with an API token.")
    .addOption(new Option("--url <url>", "the dashboard's address").env("REDRIVE_URL"))
    .addOption(new Option("--token <token>", "an API token (rdv_…)").env("REDRIVE_TOKEN"))
    .option("--json", "JSON for programs instead of a table (a line per change with --wait)")
    .option("-y, --yes", "do a destructive change without asking")
    .exitOverride()
    .showHelpAfterError()
    // Every command's help lists --url, --token, --json and --yes too.
    .configureHelp({ showGlobalOptions: true })
    .addHelpText("after", EXAMPLES)
    .addHelpText("afterAll", EXIT_CODES);
  const dlq = p.command("dlq").description("dead-letter queues");
  dlqReadCommands(dlq);
  dlqMoveCommands(dlq);
  dlqTaskCommands(dlq);
  dlqExportCommand(dlq);
  queueCommands(p);
  findCommand(p);
  adminCommands(p);
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

void main(process.argv.slice(2)).then((code) => {
  // process.exit drops what a pipe has not taken yet (a 16 MB --raw into jq): exit once it has.
  process.stdout.write("", () => process.exit(code));
});
