"use client";

import { useMemo, useState, type ReactNode } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { fmtBytes, fmtInt } from "../format";
import { useFmtTime } from "../time";
import { Badge, Segmented } from "../ui";
import { LongText } from "./LongText";
import { fmtRelative } from "./text";

/** One DLQ entry in full: what failed, when, its error, its payload and its metadata hash. */
export function MessageDetails({ m }: { m: DlqMessage }) {
  return (
    <div className="space-y-5 text-sm">
      <Summary m={m} />
      <Section title="Error message">
        {m.errorMessage ? (
          <LongText label="Error message" text={m.errorMessage} limit={16 * 1024} />
        ) : (
          <Muted>None recorded.</Muted>
        )}
      </Section>
      <Section title="Stack">
        {m.errorStack ? (
          <LongText label="Error stack" text={m.errorStack} />
        ) : (
          <Muted>None recorded.</Muted>
        )}
      </Section>
      <Payload m={m} />
      <Metadata m={m} />
    </div>
  );
}

function Summary({ m }: { m: DlqMessage }) {
  const fmtTime = useFmtTime();
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
      <Field term="Error type">
        <span className="font-mono">{m.errorType ?? "–"}</span>
      </Field>
      <Field term="Retries">{fmtInt(m.retryCount)}</Field>
      <Field term="Failed">
        {m.failedAt ? `${fmtTime(m.failedAt)} (${fmtRelative(m.failedAt)})` : "–"}
      </Field>
      <Field term="Index">{fmtInt(m.index)} (0 is the newest)</Field>
      <Field term="Identity">
        <span className="break-all font-mono text-xs">{m.identity}</span>
      </Field>
      <Field term="Size">
        {fmtBytes(m.bytes)} {!m.isJson && <Badge tone="amber">not a JSON object</Badge>}
      </Field>
      {m.jobId && (
        <Field term="Job id">
          <span className="break-all font-mono text-xs">{m.jobId}</span>
        </Field>
      )}
      {m.filename && (
        <Field term="File">
          <span className="break-all">{m.filename}</span>
        </Field>
      )}
      {m.originalQueue && <Field term="Original queue">{m.originalQueue}</Field>}
    </dl>
  );
}

function Payload({ m }: { m: DlqMessage }) {
  // A list's cut entry has no parsed payload until the whole one arrives: show its text.
  const formattable = m.isJson && m.payload !== null;
  const [view, setView] = useState<"Formatted" | "Raw">(formattable ? "Formatted" : "Raw");
  // Formatting is the costly part for a large entry: once per message and view.
  const body = useMemo(
    () => (view === "Formatted" && formattable ? JSON.stringify(m.payload, null, 2) : m.raw),
    [view, m, formattable],
  );
  return (
    <Section
      title="Payload"
      actions={
        formattable && (
          <Segmented
            label="Payload view"
            options={["Formatted", "Raw"] as const}
            value={view}
            onChange={setView}
          />
        )
      }
    >
      {formattable && view === "Formatted" && (
        <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">
          Formatted from the parsed entry; integers beyond 2^53 are exact only in Raw.
        </p>
      )}
      <LongText key={view} label="Payload" text={body} />
    </Section>
  );
}

function Metadata({ m }: { m: DlqMessage }) {
  const metadata = m.metadata ? Object.entries(m.metadata) : null;
  return (
    <Section title="Metadata">
      {metadata && metadata.length > 0 ? (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
          {metadata.map(([k, v]) => (
            <Field key={k} term={k}>
              {v.length > 4096 ? (
                <LongText label={k} text={v} limit={4096} />
              ) : (
                <span className="break-all font-mono text-xs">{v}</span>
              )}
            </Field>
          ))}
        </dl>
      ) : (
        <Muted>
          No metadata hash (<span className="font-mono text-xs">{m.metadataKey}</span> expired or
          was never written).
        </Muted>
      )}
    </Section>
  );
}

function Field(props: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="break-all text-zinc-600 dark:text-zinc-400">{props.term}</dt>
      <dd className="min-w-0">{props.children}</dd>
    </>
  );
}

function Section(props: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section>
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
          {props.title}
        </h3>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

function Muted(props: { children: ReactNode }) {
  return <p className="text-zinc-600 dark:text-zinc-400">{props.children}</p>;
}
