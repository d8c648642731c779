"use client";

/** The overview page (placeholder). */
export function OverviewView() {
  return <h1 className="text-xl font-semibold">Overview</h1>;
}
