"use client";

/** The queue page (placeholder until the queue page lands). */
export function QueueView(props: { queue: string }) {
  return <h1 className="text-xl font-semibold">{props.queue}</h1>;
}
