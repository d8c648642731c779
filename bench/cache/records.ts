/** A user record as the Python backend would cache it: about 300 bytes of JSON. */
export function userRecord(id: number, version = 0) {
  return {
    id,
    version,
    email: `user${id}@example-corp.com`,
    full_name: `Analyst Number ${id}`,
    role: id % 25 === 0 ? "manager" : "analyst",
    manager_id: 25 * Math.ceil(id / 25),
    department: "Document Intelligence",
    permissions: ["documents:read", "documents:write", "jobs:read", "graphs:read"],
    is_active: true,
    created_at: "2024-03-01T10:15:00",
    last_login: "2024-06-12T08:30:00",
    settings: { theme: "dark", language: "en", notifications: true },
  };
}

export function jobStatusRecord(id: number, version: number) {
  const states = ["queued", "processing", "completed", "failed"] as const;
  return {
    job_id: `job-${id}`,
    version,
    status: states[(id + version) % states.length],
    progress: (id * 7 + version * 13) % 101,
    retry_count: version % 4,
    updated_at: new Date(1_718_000_000_000 + version * 1000).toISOString(),
  };
}

const SUMMARY_SENTENCE =
  "The quarterly report describes revenue growth across regions, lists the risks the auditors raised, " +
  "and summarises the actions agreed with the board for the next two quarters. ";

/** A document summary: about 1.5 KB of JSON, above the 1 KB compression threshold. */
export function docSummaryRecord(id: number) {
  return {
    document_id: id,
    title: `report-${id}.pdf`,
    summary: `Document ${id}. ${SUMMARY_SENTENCE.repeat(7)}`,
    key_points: ["revenue up 12 %", "two open audit findings", "board approved hiring plan"],
    pages: 10 + (id % 90),
  };
}
