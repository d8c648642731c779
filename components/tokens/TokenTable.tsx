"use client";

import type { TokenView } from "@/lib/http/types";
import { Confirm, useConfirm, type ConfirmOutcome } from "../Confirm";
import { Ago, Time } from "../time";
import { Badge, Button, EmptyRow, table, TableScroll } from "../ui";
import { revokeToken } from "./data";

const HEADINGS = ["Name", "Role", "Queues", "Created by", "Created", "Expires", "Last used"];

/** Every kept token, newest first, each with its Revoke. */
export function TokenTable(props: {
  tokens: TokenView[] | undefined;
  onRevoked: (name: string) => void;
}) {
  const revoke = useConfirm<TokenView>();
  const columns = HEADINGS.length + 1;
  return (
    <>
      <TableScroll label="API tokens">
        <table className={table.table}>
          <thead className={table.head}>
            <tr>
              {HEADINGS.map((h) => (
                <th key={h} scope="col" className={table.th}>
                  {h}
                </th>
              ))}
              <th scope="col" className={table.th}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {!props.tokens ? (
              <EmptyRow columns={columns}>Loading…</EmptyRow>
            ) : props.tokens.length === 0 ? (
              <EmptyRow columns={columns}>No tokens yet.</EmptyRow>
            ) : (
              props.tokens.map((t) => <TokenRow key={t.id} token={t} onRevoke={revoke.ask} />)
            )}
          </tbody>
        </table>
      </TableScroll>
      <RevokeDialog target={revoke.target} onClose={revoke.close} onRevoked={props.onRevoked} />
    </>
  );
}

function TokenRow({ token: t, onRevoke }: { token: TokenView; onRevoke: (t: TokenView) => void }) {
  return (
    <tr className={table.row}>
      <td className={table.td}>
        {t.name} <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{t.id}</span>
      </td>
      <td className={table.td}>{t.role}</td>
      <td className={`${table.td} font-mono text-xs`}>
        {t.queues ? t.queues.join(" | ") : "every queue"}
      </td>
      <td className={table.td}>{t.createdBy}</td>
      <td className={table.td}>
        <Time at={t.createdAt} />
      </td>
      <td className={table.td}>
        {t.expired ? <Badge tone="red">expired</Badge> : <Time at={t.expiresAt} />}
      </td>
      <td className={table.td}>{t.lastUsedAt ? <Ago at={t.lastUsedAt} /> : "never"}</td>
      <td className={table.td}>
        <Button tone="ghost" onClick={() => onRevoke(t)} aria-label={`Revoke ${t.name}`}>
          Revoke
        </Button>
      </td>
    </tr>
  );
}

function RevokeDialog(props: {
  target: TokenView | null;
  onClose: () => void;
  onRevoked: (name: string) => void;
}) {
  const confirm = async (t: TokenView): Promise<ConfirmOutcome> => {
    try {
      await revokeToken(t.id);
      props.onRevoked(t.name);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  return (
    <Confirm
      target={props.target}
      title={(t) => `Revoke token ${t.name}?`}
      confirmLabel="Revoke"
      danger
      onConfirm={confirm}
      onClose={props.onClose}
    >
      {(t) => (
        <p>
          Every request with this token is refused from now on, on every dashboard instance: a
          script using it stops working. This cannot be undone.{" "}
          {t.lastUsedAt ? (
            <>
              It was last used <Ago at={t.lastUsedAt} />.
            </>
          ) : (
            "It was never used."
          )}
        </p>
      )}
    </Confirm>
  );
}
