"use client";

import { useState } from "react";
import { apiPath, postForFile, queuePath } from "../api";
import { useDashboard } from "../DashboardProvider";
import { Button, buttonClass } from "../ui";
import { describeError, useQueue } from "./context";
import type { MessageRef } from "./data";

/** The export of a queue's DLQ as JSON Lines, streamed to a file: `q` its filter, `group` an error group. */
export function exportPath(queue: string, params: { q?: string; group?: string } = {}): string {
  return apiPath(queuePath(queue, "export"), params);
}

/**
 * A link that downloads an export (the browser streams it to disk, whatever
 * its size). Shown only to users named in REDRIVE_EXPORTERS; the server
 * checks again, audits it, and masks REDRIVE_REDACT's fields in it.
 */
export function ExportLink(props: {
  href: string;
  label: string;
  className?: string;
  children: string;
}) {
  const { viewer } = useDashboard();
  if (!viewer.canExport) return null;
  return (
    <a
      href={props.href}
      download
      aria-label={props.label}
      className={buttonClass("default", props.className)}
    >
      {props.children}
    </a>
  );
}

/** The bulk bar's "Export selected": a POST of the identities, saved as a file. */
export function ExportSelected(props: { selected: MessageRef[] }) {
  const { viewer } = useDashboard();
  const { queue, notify } = useQueue();
  const [busy, setBusy] = useState(false);
  if (!viewer.canExport) return null;
  const save = async () => {
    setBusy(true);
    try {
      const messages = props.selected.map((m) => ({ identity: m.identity }));
      const { blob, name } = await postForFile(queuePath(queue, "export"), { messages });
      const url = URL.createObjectURL(blob);
      const a = Object.assign(document.createElement("a"), { href: url, download: name });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      notify("error", describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button disabled={busy || props.selected.length === 0} onClick={() => void save()}>
      Export selected
    </Button>
  );
}
