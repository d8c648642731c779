"use client";

import type { ErrorGroup } from "@/lib/http/types";
import type { InsightsResponse } from "@/lib/metrics/types";
import { fmtInt } from "../format";
import { GroupNote } from "../GroupNote";
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
                      {fmtInt(g.count)}){" "}
                      {g.note && (
                        <GroupNote
                          note={g.note}
                          now={props.insights.computedAt}
                          group={g.errorType}
                        />
                      )}
                    </span>
                  ))}
                </>
              )}
              <KnownGroups
                groups={q.topErrors.filter((g) => !s.newGroups.some((n) => n.id === g.id))}
                now={props.insights.computedAt}
              />
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/** The queue's groups an admin noted or marked known: the review remembers what it learnt. */
function KnownGroups(props: { groups: ErrorGroup[]; now: number }) {
  const noted = props.groups.filter((g) => g.note);
  if (noted.length === 0) return null;
  return (
    <ul
      className="mt-1 ml-4 list-disc text-xs text-zinc-700 dark:text-zinc-300"
      aria-label="Noted groups"
    >
      {noted.slice(0, 5).map((g) => (
        <li key={g.id}>
          <span className="font-medium">{g.errorType}</span> {g.pattern} ({fmtInt(g.count)}):{" "}
          <GroupNote note={g.note!} now={props.now} group={g.errorType} />
        </li>
      ))}
    </ul>
  );
}
