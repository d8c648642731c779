"use client";

import type { InsightsResponse } from "@/lib/metrics/types";
import { fmtInt } from "../format";
import { Card } from "../ui";

/** The daily review's answer: per reviewed queue, what is new since an admin last looked. */
export function NewSinceReview(props: { insights: InsightsResponse }) {
  const reviewed = props.insights.queues.filter((q) => q.sinceReview !== null);
  if (reviewed.length === 0) return null;
  return (
    <Card title="New since the last review">
      <ul className="flex flex-col gap-2 text-sm">
        {reviewed.map((q) => {
          const s = q.sinceReview!;
          return (
            <li key={q.queue}>
              <span className="font-medium">{q.queue}</span>: {fmtInt(s.count)}
              {s.atLeast ? "+" : ""} new message{s.count === 1 ? "" : "s"}
              {s.newGroups.length > 0 && (
                <>
                  {", new error groups: "}
                  {s.newGroups.slice(0, 5).map((g, i) => (
                    <span key={g.id}>
                      {i > 0 && "; "}
                      <span className="font-medium">{g.errorType}</span> {g.pattern} (
                      {fmtInt(g.count)})
                    </span>
                  ))}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
