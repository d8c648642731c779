import { type Command, Option } from "commander";
import type {
  AuditPage,
  CacheOverview,
  ClearCacheResponse,
  TokenList,
  TokenView,
} from "../../../lib/http/types";
import { confirm } from "../confirm";
import { connect, nothingMoved, when } from "../context";
import { print, table } from "../output";

/** `redrive cache`, `redrive tokens` and `redrive audit`: what belongs to no one queue. */
export function adminCommands(program: Command): void {
  cacheCommands(program.command("cache").description("the application cache"));
  tokenCommands(program);
  auditCommand(program);
}

const percent = (ratio: number | null) => (ratio === null ? null : `${(ratio * 100).toFixed(1)}%`);

function megabytes(bytes: number | null): string | null {
  return bytes === null ? null : `${(bytes / 1_048_576).toFixed(1)} MB`;
}

function cacheCommands(cache: Command): void {
  cache
    .command("stats")
    .description("hit rate, memory and each namespace's keys")
    .action(async (_opts, cmd: Command) => {
      const { api, o } = connect(cmd);
      const stats = await api.get<CacheOverview>("/api/admin/cache/stats");
      print(o, stats, (s) =>
        [
          `hit rate ${percent(s.server.hitRate) ?? "—"} (since start ${percent(s.server.lifetimeHitRate) ?? "—"}), ` +
            `memory ${megabytes(s.server.usedMemory)} of ${s.server.maxMemory ? megabytes(s.server.maxMemory) : "no limit"}, ` +
            `${s.server.keys} keys`,
          table(
            ["namespace", "keys", "memory", "hit rate", "ttl s"],
            s.namespaces.map((n) => [
              n.namespace,
              n.estimatedKeys,
              megabytes(n.estimatedBytes),
              percent(n.hitRate),
              n.ttlSeconds,
            ]),
          ),
        ].join("\n"),
      );
    });
  cache
    .command("clear [namespace]")
    .description("delete every cache key, or one namespace's; never a queue's or Redrive's")
    .action(async (namespace: string | undefined, _opts, cmd: Command) => {
      const cli = connect(cmd);
      await confirm(
        `Clear ${namespace ? `the ${namespace} cache` : "every cache namespace"}?`,
        cli.yes,
      );
      const result = await cli.api.delete<ClearCacheResponse>("/api/admin/cache/clear", {
        namespace,
      });
      print(cli.o, result, (r) =>
        table(["namespace", "deleted"], Object.entries(r.deleted), `${r.count} keys deleted`),
      );
      if (result.count === 0) nothingMoved("the cache held no key to delete");
    });
}

function tokenState(t: TokenView): string {
  return t.expired ? "expired" : "live";
}

function tokenCommands(program: Command): void {
  const tokens = program
    .command("tokens")
    .description("API tokens (an admin token of every queue; create them on the Tokens page)");
  tokens
    .command("list", { isDefault: true })
    .description("every kept token, newest first (never a secret)")
    .action(async (_opts, cmd: Command) => {
      const { api, o } = connect(cmd);
      const list = await api.get<TokenList>("/api/admin/tokens");
      print(o, list, (l) =>
        table(
          ["id", "name", "role", "queues", "created by", "expires", "last used", "state"],
          l.tokens.map((t) => [
            t.id,
            t.name,
            t.role,
            t.queues ? t.queues.join(",") : "every queue",
            t.createdBy,
            when(t.expiresAt),
            when(t.lastUsedAt),
            tokenState(t),
          ]),
        ),
      );
    });
  tokens
    .command("revoke <id>")
    .description("revoke a token at once, on every dashboard instance")
    .action(async (id: string, _opts, cmd: Command) => {
      const cli = connect(cmd);
      await confirm(`Revoke token ${id}? Whatever uses it is refused from now on.`, cli.yes);
      const result = await cli.api.post<{ id: string }>(
        `/api/admin/tokens/${encodeURIComponent(id)}/revoke`,
      );
      print(cli.o, result, (r) => `token ${r.id} revoked`);
    });
}

function auditCommand(program: Command): void {
  program
    .command("audit")
    .description("the audit log, newest first, a page at a time")
    .addOption(new Option("--limit <n>", "entries on the page").default("50"))
    .option("--before <id>", "the page before this entry (the `next` a page ends with)")
    .action(async (opts: { limit: string; before?: string }, cmd: Command) => {
      const { api, o } = connect(cmd);
      const page = await api.get<AuditPage>("/api/admin/audit", opts);
      print(o, page, (p) =>
        table(
          ["at", "who", "action", "queue", "result", "count", "detail"],
          p.entries.map((e) => [
            when(e.at),
            e.token ? `${e.user} (by ${e.token.createdBy})` : e.user,
            e.action,
            e.queue ?? null,
            e.result,
            e.count ?? e.identities?.length ?? null,
            e.detail ?? null,
          ]),
          p.next ? `older: redrive audit --before ${p.next}` : "the start of the log",
        ),
      );
    });
}
