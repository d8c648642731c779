"use client";

import { useState } from "react";
import { useAuditPage } from "./data";

/**
 * Pages of the audit log. The API only pages backwards (by `before` = an
 * entry id), so going back to newer pages pops a stack of the ids used.
 */
export function useAuditPages() {
  const [stack, setStack] = useState<string[]>([]);
  const before = stack.at(-1);
  const { data, error, isLoading } = useAuditPage(before);
  const next = data?.next ?? null;
  return {
    data,
    error,
    isLoading,
    page: stack.length + 1,
    // While a page loads, data is still the previous page's: its `next` would skip nothing
    // but could be pushed twice, so both moves wait.
    canOlder: next !== null && !isLoading,
    canNewer: stack.length > 0 && !isLoading,
    older: () => {
      if (next) setStack((s) => [...s, next]);
    },
    newer: () => setStack((s) => s.slice(0, -1)),
    newest: () => setStack([]),
  };
}
