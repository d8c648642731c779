import type { Command } from "commander";
import { ApiClient, CliError } from "./client";
import type { Output } from "./output";

/**
 * What every command starts from: the dashboard and token (flags, else
 * REDRIVE_URL and REDRIVE_TOKEN), where it prints, and whether the user
 * already said yes to a destructive change (`--yes`).
 */
interface Globals {
  url?: string;
  token?: string;
  json?: boolean;
  yes?: boolean;
}

export interface Cli {
  api: ApiClient;
  o: Output;
  yes: boolean;
}

/** A token's characters: what may go in a header. Never echoed: it is a secret. */
const TOKEN_CHARS = /^[\x21-\x7e]{1,512}$/;

export function connect(cmd: Command): Cli {
  const g = cmd.optsWithGlobals<Globals>();
  if (!g.url) throw new CliError("Set REDRIVE_URL or --url (the dashboard's address)", 2);
  if (!URL.canParse(g.url) || !/^https?:$/.test(new URL(g.url).protocol))
    throw new CliError("The dashboard's address (REDRIVE_URL or --url) must be an http(s) URL", 2);
  if (!g.token) throw new CliError("Set REDRIVE_TOKEN or --token (an API token)", 2);
  if (!TOKEN_CHARS.test(g.token))
    throw new CliError(
      "The token holds a space, a line break or another character no token has",
      2,
    );
  const o = { json: g.json === true, out: (text: string) => process.stdout.write(`${text}\n`) };
  return { api: new ApiClient({ url: g.url, token: g.token }), o, yes: g.yes === true };
}

/** An epoch-seconds time as ISO 8601, as the tables show it. */
export const when = (epoch: number | null) =>
  epoch === null ? null : new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** `/api/admin/<area>/<queue>` and what follows, the queue name escaped. */
export const queuePath = (area: string, queue: string, ...rest: string[]) =>
  [`/api/admin/${area}/${encodeURIComponent(queue)}`, ...rest].join("/");

/** A whole number from a flag or an argument, else a usage error (exit 2). */
export function wholeNumber(text: string, what: string, max = 1e9): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > max) {
    throw new CliError(`${what} must be a whole number from 0 to ${max}, not ${text}`, 2);
  }
  return Number(text);
}

/** Nothing moved, nothing deleted: exit 3, as a script checks for. */
export function nothingMoved(message: string): never {
  throw new CliError(message, 3);
}
