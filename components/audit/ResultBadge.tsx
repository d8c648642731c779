import type { AuditRecord } from "@/lib/audit/audit";
import { Badge } from "../ui";

const TONES = { ok: "green", denied: "amber", conflict: "amber", error: "red" } as const;

export function ResultBadge(props: { result: AuditRecord["result"] }) {
  return <Badge tone={TONES[props.result] ?? "neutral"}>{props.result}</Badge>;
}
