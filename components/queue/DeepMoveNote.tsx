"use client";

/** The cost of a move from deep inside a long DLQ, said before it runs (text.ts, deepMoveNote). */
export function DeepMoveNote(props: { note: string | null }) {
  if (!props.note) return null;
  return (
    <p
      role="note"
      className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      {props.note}
    </p>
  );
}
