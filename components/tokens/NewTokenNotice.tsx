"use client";

import { useState } from "react";
import type { CreatedToken } from "@/lib/http/types";
import { Button, Card } from "../ui";

/** The new token's secret, shown this once: Redrive keeps only a hash of it. */
export function NewTokenNotice(props: { created: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const { token, record } = props.created;
  const copy = async () => {
    await navigator.clipboard.writeText(token).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <Card title={`Token ${record.name} created`}>
      <p className="mb-2 text-sm">
        Copy it now: it is not shown again, and Redrive cannot show it later. Keep it where your
        scripts keep secrets.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="new-token">
          New token
        </label>
        <input
          id="new-token"
          readOnly
          value={token}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-zinc-50 px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
        />
        <Button onClick={() => void copy()}>{copied ? "Copied" : "Copy"}</Button>
        <Button tone="ghost" onClick={props.onDone}>
          Done
        </Button>
      </div>
    </Card>
  );
}
