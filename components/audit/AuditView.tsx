"use client";

/** The audit page (placeholder until the audit page lands). */
export function AuditView() {
  return <h1 className="text-xl font-semibold">Audit log</h1>;
}
