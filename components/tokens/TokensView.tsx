"use client";

import { useState } from "react";
import type { CreatedToken } from "@/lib/http/types";
import { ErrorNote } from "../ui";
import { CreateTokenForm } from "./CreateTokenForm";
import { NewTokenNotice } from "./NewTokenNotice";
import { TokenTable } from "./TokenTable";
import { useTokens } from "./data";

/**
 * API tokens: for scripts, cron jobs and the `redrive` command line. Made and
 * revoked here by admins of every queue; each shows its secret once.
 */
export function TokensView() {
  const tokens = useTokens();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [status, setStatus] = useState("");
  return (
    <div className="space-y-4">
      <header>
        <h1 className="text-lg font-semibold">API tokens</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          A token calls the admin API as <code className="font-mono">Authorization: Bearer …</code>{" "}
          with its role, on its queues, until it expires or is revoked. Its changes are audited
          under its name and yours. Tokens cannot create tokens.
        </p>
      </header>
      {created && <NewTokenNotice created={created} onDone={() => setCreated(null)} />}
      <CreateTokenForm
        onCreated={(c) => {
          setCreated(c);
          setStatus(`Created token ${c.record.name}.`);
          void tokens.mutate();
        }}
      />
      <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
        {status}
      </p>
      <ErrorNote error={tokens.error} />
      <TokenTable
        tokens={tokens.data?.tokens}
        onRevoked={(name) => {
          setStatus(`Revoked token ${name}: it is refused from now on.`);
          void tokens.mutate();
        }}
      />
    </div>
  );
}
