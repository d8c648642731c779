"use client";

import { Button } from "@/components/ui";

/** A page that failed to render: say so and offer a retry, inside the dashboard's frame. */
export default function DashboardError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-xl font-semibold">This page failed to load</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        {error.message || "Something went wrong."} The data is safe; try again.
      </p>
      <Button tone="primary" className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
