"use client";

import type { ErrorGroup } from "@/lib/http/types";
import { Time } from "./time";
import { Badge } from "./ui";

type Note = NonNullable<ErrorGroup["note"]>;

/**
 * An error group's note as the review shows it: "known" (and until when the
 * growth alert leaves it out), the sentence, the link. The link is shown only
 * for http(s), which is all the API stores.
 */
export function GroupNote({
  note,
  now,
  group,
}: {
  note: Note;
  /** When the figures were computed. */ now: number;
  /** The group's name, for the link's accessible name. */ group: string;
}) {
  const quiet = note.known && note.until !== null && note.until > now;
  const lapsed = note.known && note.until !== null && note.until <= now;
  return (
    <span className="inline-flex flex-wrap items-baseline gap-x-1.5 gap-y-0.5 text-xs">
      {note.known && <Badge tone="blue">Known</Badge>}
      {quiet && (
        <span className="text-zinc-600 dark:text-zinc-400">
          left out of the growth alert until <Time at={note.until} />
        </span>
      )}
      {lapsed && <span className="text-amber-800 dark:text-amber-300">its date has passed</span>}
      {note.note && <span className="break-words">{note.note}</span>}
      {note.link && /^https?:\/\//i.test(note.link) && (
        <a
          href={note.link}
          aria-label={`link of ${group}`}
          target="_blank"
          rel="noopener noreferrer"
          className="text-blue-700 underline dark:text-blue-400"
        >
          link
        </a>
      )}
    </span>
  );
}
