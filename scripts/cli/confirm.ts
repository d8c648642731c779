import { createInterface } from "node:readline/promises";
import { CliError } from "./client";

/**
 * Asks before a destructive change (delete, delete all, purge, cache clear,
 * revoke): `--yes` answers for scripts; on a terminal the user types y; with
 * no terminal to ask and no `--yes`, the command is refused (exit 2) and
 * nothing changes. A cron job must say what it means.
 */
export async function confirm(question: string, yes: boolean, details?: string): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new CliError(`${question} Refused: add --yes to confirm (no terminal to ask).`, 2);
  }
  if (details) process.stderr.write(`${details}\n`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C or Ctrl-D at the prompt closes it (or rejects the question): no answer, no change.
  const answer = await new Promise<string | null>((resolve) => {
    rl.once("close", () => resolve(null));
    rl.once("SIGINT", () => rl.close());
    rl.question(`${question} [y/N] `).then(resolve, () => resolve(null));
  });
  rl.close();
  if (answer === null) throw new CliError("Nothing changed.", 130);
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("Nothing changed.", 3);
}
