/**
 * The upgrade test's report: a table of what each phase did, every check with
 * its result, the notes (which worker ran which task), what each process said
 * about schemas and formats, and how each process ended. Counts the checks
 * for the closing `N passed, N failed` line.
 */

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join(" | ");
  return [
    line(rows[0]),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...rows.slice(1).map(line),
  ].join("\n");
}

function callsOf(ctx, phase) {
  const calls = ctx.calls.filter((c) => c.phase === phase);
  if (calls.length === 0) return "-";
  const versions = [...new Set(calls.map((c) => c.version))];
  return versions
    .map((v) => {
      const mine = calls.filter((c) => c.version === v);
      return `${v}: ${mine.length}, max ${Math.max(...mine.map((c) => c.status))}`;
    })
    .join("; ");
}

function phaseRows(ctx) {
  const rows = [
    ["phase", "what ran", "s", "produced", "API calls (max status)", "actions ok", "checks ok"],
  ];
  for (const p of ctx.phases) {
    const produced = [...ctx.produced.values()].filter((m) => m.phase === p.name).length;
    const seconds = p.endedAt ? Math.round(p.endedAt - p.startedAt) : "-";
    const actions = `${p.actions.filter((a) => a.ok).length}/${p.actions.length}`;
    const checks = `${p.checks.filter((c) => c.ok).length}/${p.checks.length}`;
    rows.push([
      p.name,
      p.title,
      seconds,
      p.name === "end" ? "-" : produced,
      callsOf(ctx, p.name),
      actions,
      checks,
    ]);
  }
  return rows;
}

/** Prints the report; returns the counts of passed and failed checks. */
export function printReport(ctx, formats, timings) {
  console.log("\n== phases ==");
  console.log(table(phaseRows(ctx)));
  let passed = 0;
  let failed = 0;
  for (const p of ctx.phases) {
    console.log(`\n== ${p.name}: ${p.title} ==`);
    for (const a of p.actions)
      console.log(`  ${a.ok ? "ok  " : "FAIL"} action: ${a.label} (${a.detail})`);
    for (const c of p.checks) {
      if (c.ok) passed += 1;
      else failed += 1;
      console.log(`  ${c.ok ? "PASS" : "FAIL"} ${c.label}${c.detail ? ` — ${c.detail}` : ""}`);
    }
    for (const n of p.notes) console.log(`  note: ${n}`);
  }
  console.log("\n== what each process said about schemas, versions and formats ==");
  const names = Object.keys(formats);
  if (names.length === 0) console.log("  nothing");
  for (const name of names) {
    console.log(`  ${name}:`);
    for (const line of formats[name].slice(0, 12)) console.log(`    ${line}`);
    if (formats[name].length > 12) console.log(`    ... ${formats[name].length - 12} more`);
  }
  console.log("\n== timings ==");
  console.log(
    `  ${Object.entries(timings)
      .map(([k, v]) => `${k} ${Math.round(v)} s`)
      .join(", ")}`,
  );
  return { passed, failed };
}
