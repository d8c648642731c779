import { spawn } from "node:child_process";
import type { AppFixture } from "./app";

/** What a `redrive …` run left: its exit code and everything it printed. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliOptions {
  token?: string;
  /** Written to its stdin once it asks (`--yes` is the way without a terminal). */
  answer?: string;
  /** Run on a terminal (a pseudo-terminal from util-linux `script`): out holds everything. */
  terminal?: boolean;
  /** The dashboard's address, if not the test app's (a proxy in front of it, say). */
  url?: string;
}

/**
 * The `redrive` command line as a user's shell runs it: a child process of
 * scripts/redrive.mjs with REDRIVE_URL (the test's dashboard) and the token in
 * its environment, colour off unless on a terminal.
 */
export function cliRunner(app: AppFixture) {
  return (args: string[], options: CliOptions = {}): Promise<CliRun> => {
    const env: NodeJS.ProcessEnv = { ...process.env, REDRIVE_URL: options.url ?? app.url };
    delete env.REDRIVE_TOKEN;
    delete env.NO_COLOR;
    if (options.token) env.REDRIVE_TOKEN = options.token;
    if (!options.terminal) env.NO_COLOR = "1";
    const argv = [process.execPath, "scripts/redrive.mjs", ...args];
    const [command, ...rest] = options.terminal
      ? ["script", "-qefc", argv.map(quote).join(" "), "/dev/null"]
      : argv;
    const child = spawn(command!, rest, { env: { ...env, TERM: "xterm" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (options.answer !== undefined && out.includes("[y/N]")) {
        child.stdin.write(options.answer);
        options = { ...options, answer: undefined };
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    if (!options.terminal && options.answer === undefined) child.stdin.end();
    return new Promise((resolve) => {
      child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
    });
  };
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** A new API token made in an admin's session: `role` over `queues` (every queue when absent). */
export async function newToken(
  app: AppFixture,
  role: "viewer" | "admin",
  queues?: string[],
): Promise<{ token: string; id: string; name: string }> {
  const cookie = await app.login("admin");
  const name = `cli ${role} ${Math.random().toString(36).slice(2, 8)}`;
  const res = await app.call("/api/admin/tokens", {
    cookie,
    method: "POST",
    body: JSON.stringify({ name, role, ...(queues ? { queues } : {}) }),
  });
  const created = (await res.json()) as { token: string; record: { id: string } };
  return { token: created.token, id: created.record.id, name };
}
