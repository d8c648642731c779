"use client";

import { useState, type FormEvent } from "react";
import type { CreatedToken } from "@/lib/http/types";
import { Button, Card, ErrorNote } from "../ui";
import { createToken } from "./data";

const FIELD =
  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950";

/** `a|b-*` as globs; empty for every queue. */
function queuesOf(text: string): string[] | null {
  const globs = text
    .split("|")
    .map((g) => g.trim())
    .filter(Boolean);
  return globs.length > 0 ? globs : null;
}

/** Name, role, queues and expiry of a new token; the server checks them all (400 with the reason). */
export function CreateTokenForm(props: { onCreated: (created: CreatedToken) => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<"viewer" | "admin">("viewer");
  const [queues, setQueues] = useState("");
  const [days, setDays] = useState("90");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input = { name, role, queues: queuesOf(queues), expiresInDays: Number(days) };
      props.onCreated(await createToken(input));
      setName("");
      setQueues("");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="New token">
      <form onSubmit={(e) => void submit(e)} className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input
            required
            maxLength={64}
            value={name}
            onChange={(e) => setName(e.target.value)}
            className={FIELD}
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Role
          <select
            value={role}
            onChange={(e) => setRole(e.target.value as "viewer" | "admin")}
            className={FIELD}
          >
            <option value="viewer">viewer: reads only</option>
            <option value="admin">admin: may requeue, delete, purge</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Queues (names or globs, | between; empty for all)
          <input
            value={queues}
            placeholder="billing|tenant-*"
            onChange={(e) => setQueues(e.target.value)}
            className={`${FIELD} font-mono`}
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Expires in (days)
          <input
            type="number"
            min={1}
            max={365}
            required
            value={days}
            onChange={(e) => setDays(e.target.value)}
            className={`${FIELD} w-24`}
          />
        </label>
        <Button type="submit" tone="primary" disabled={busy}>
          {busy ? "Creating…" : "Create token"}
        </Button>
      </form>
      <div className="mt-2">
        <ErrorNote error={error} />
      </div>
    </Card>
  );
}
